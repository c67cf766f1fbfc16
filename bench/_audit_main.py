"""Audit benchmark: `audit integrity` and `audit verify` over the whole log, against the log's `read_all` +
decode rate.

Run from the repo root: `python bench/audit.py [--events N --plans N]`. It creates a throwaway database
(dropped afterwards), refuses to run unless fsync and synchronous_commit are on, and loads the projection
benchmark's generated history of workout plans into the event log (one COPY, untimed). Untimed setup
then brings the live read models to the head of the log: `workout_plans` by `fitcoach projections
rebuild`'s `rebuild()`, checked against the generated plans; the other projections have no events in this
log, so their checkpoints are moved to the head. Then, in the same run:
- the ceiling: `read_all` of the whole log in the rebuild's page size, decoding every event;
- `audit integrity` of the whole log (`IntegrityAudit.log()`, as the CLI runs it): every event's chain
  link recomputed (the generator chains its events as the command path does). It must find every event
  chained and no break;
- `audit verify` of every projection (`ReadModelVerification.verify()`, as the CLI runs it): the
  projections rebuilt into scratch tables up to their checkpoints in one pass over the log, then every
  row compared with the live read models. It must find no drift and compare every live row.
Each row is events of the log per second. It prints a table and one JSON object as the last line.
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import random
import sys
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

import psycopg

from adapters.postgres.audit_schema import migrate_audit
from adapters.postgres.schema import migrate as migrate_event_store
from adapters.postgres.seals import PostgresSeals
from adapters.postgres.store import PostgresEventStore
from application.audit.verify import ReadModelVerification, RebuiltReadModels, VerifyReport
from application.integrity.audit import IntegrityAudit
from bench import _common
from bench._projections_load import copy_into_log, verify_sample
from bench._projections_rig import migrate_projections, read_and_decode, rebuild_projection
from bench._projections_workload import PlanScript, interleaved, scripts_for, timelines
from projections import checkpoints
from projections.registry import PROJECTIONS
from projections.verification import ScratchRebuilds

VERIFY_TARGET = 0.25
"""`audit verify` at 25% or more of the `read_all` + decode rate."""
INTEGRITY_TARGET = 0.5
"""`audit integrity` at 50% or more of the `read_all` + decode rate."""


@dataclass(frozen=True, slots=True)
class VerifyRun:
    seconds: float
    rebuild_seconds: float
    """Until the scratch tables held the log up to the checkpoints; the rest compared the rows."""
    report: VerifyReport


class TimedRebuilds:
    """The verification's rebuilds, noting when the scratch tables are ready to compare."""

    def __init__(self, rebuilds: ScratchRebuilds) -> None:
        self._rebuilds = rebuilds
        self.ready_at = 0.0

    @property
    def names(self) -> Sequence[str]:
        return self._rebuilds.names

    @asynccontextmanager
    async def rebuilt(self, names: Sequence[str]) -> AsyncIterator[RebuiltReadModels]:
        async with self._rebuilds.rebuilt(names) as rebuilt:
            self.ready_at = time.perf_counter()
            yield rebuilt


async def live_read_models_at_head(
    store: PostgresEventStore, url: str, scripts: list[PlanScript], rng: random.Random
) -> None:
    await rebuild_projection(store, url, scripts, rng)  # checked against the generated plans
    head = await store.current_position()
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        for projection in PROJECTIONS:
            if projection.name != "workout_plans":
                await checkpoints.advance_past(conn, projection.name, head, None)


async def measure_integrity(store: PostgresEventStore, url: str, events: int) -> float:
    print("audit integrity: the whole log ...", file=sys.stderr)
    seals = await PostgresSeals.connect(url)
    try:
        started = time.perf_counter()
        report = await IntegrityAudit(store, seals).log()
        seconds = time.perf_counter() - started
    finally:
        await seals.close()
    unchained = sum(stream.unchained for stream in report.streams)
    if report.broken or report.events != events or unchained:
        raise RuntimeError(
            f"integrity read {report.events} of {events} events, {len(report.broken)} streams broken, "
            f"{unchained} events unchained"
        )
    return seconds


async def measure_verify(store: PostgresEventStore, url: str) -> VerifyRun:
    print("audit verify: every projection ...", file=sys.stderr)
    rebuilds = TimedRebuilds(ScratchRebuilds(store, url))
    started = time.perf_counter()
    report = await ReadModelVerification(rebuilds).verify()
    seconds = time.perf_counter() - started
    head = await store.current_position()
    if report.drifted or report.events_replayed != head:
        raise RuntimeError(f"verify found drift or replayed {report.events_replayed} of {head} events")
    for projection in report.projections:
        for table in projection.tables:
            if not table.live_rows == table.rebuilt_rows == table.compared_rows:
                raise RuntimeError(f"{table.table}: not every row was compared")
    return VerifyRun(seconds, rebuilds.ready_at - started, report)


async def run(args: argparse.Namespace, url: str) -> dict[str, object]:
    await migrate_event_store(url)
    await migrate_projections(url)
    await migrate_audit(url)
    rng = random.Random(args.seed)
    print(f"generating {args.events:,} events over {args.plans:,} plans, loading them ...", file=sys.stderr)
    scripts = scripts_for(timelines(args.events, args.plans, rng), rng)
    loaded = await copy_into_log(url, interleaved(scripts))
    store = await PostgresEventStore.connect(url, min_size=2, max_size=10)
    try:
        await verify_sample(store, scripts, rng)
        print("bringing the live read models to the head of the log (untimed) ...", file=sys.stderr)
        await live_read_models_at_head(store, url, scripts, rng)
        del scripts  # about a million objects no audit would hold: out of the measured phases' heap
        gc.collect()
        read_seconds = await read_and_decode(store, loaded.events)
        integrity_seconds = await measure_integrity(store, url, loaded.events)
        verified = await measure_verify(store, url)
    finally:
        await store.close()
    return report(loaded.events, args.plans, read_seconds, integrity_seconds, verified)


def report(
    events: int, plans: int, read_seconds: float, integrity_seconds: float, verified: VerifyRun
) -> dict[str, object]:
    ceiling = events / read_seconds
    integrity_eps = events / integrity_seconds
    verify_eps = events / verified.seconds
    rows = [
        ["read_all + decode (ceiling)", f"{read_seconds:.1f}", f"{ceiling:,.0f}", "1.00x", ""],
        [
            "audit integrity (whole log)",
            f"{integrity_seconds:.1f}",
            f"{integrity_eps:,.0f}",
            _common.ratio(integrity_eps, ceiling),
            f">= {INTEGRITY_TARGET:.2f}x",
        ],
        [
            "audit verify (all projections)",
            f"{verified.seconds:.1f}",
            f"{verify_eps:,.0f}",
            _common.ratio(verify_eps, ceiling),
            f">= {VERIFY_TARGET:.2f}x",
        ],
        ["  of which the rebuild into scratch tables", f"{verified.rebuild_seconds:.1f}", "", "", ""],
        ["  of which the row comparison", f"{verified.seconds - verified.rebuild_seconds:.1f}", "", "", ""],
    ]
    compared = sum(t.compared_rows for p in verified.report.projections for t in p.tables)
    print(f"events={events:,} plans={plans:,}, {compared:,} read-model rows compared")
    print(_common.format_table(["row", "seconds", "events/s", "vs ceiling", "target"], rows))
    return {
        "events": events,
        "plans": plans,
        "read_decode_eps": round(ceiling),
        "verify_eps": round(verify_eps),
        "verify_of_ceiling": round(verify_eps / ceiling, 3),
        "verify_rebuild_seconds": round(verified.rebuild_seconds, 2),
        "verify_compare_seconds": round(verified.seconds - verified.rebuild_seconds, 2),
        "rows_compared": compared,
        "integrity_eps": round(integrity_eps),
        "integrity_of_ceiling": round(integrity_eps / ceiling, 3),
        "target_integrity_ge_50pct_of_ceiling": integrity_eps >= INTEGRITY_TARGET * ceiling,
        "target_verify_ge_25pct_of_ceiling": verify_eps >= VERIFY_TARGET * ceiling,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description="audit verify against the log's read_all + decode rate.")
    parser.add_argument("--events", type=int, default=1_000_000, help="events in the log (default 1000000)")
    parser.add_argument("--plans", type=int, default=None, help="workout plans (default: events / 100)")
    parser.add_argument("--seed", type=int, default=3, help="workload seed")
    args = parser.parse_args()
    args.plans = args.plans or max(1, args.events // 100)
    if args.events < 2 * args.plans:
        parser.error("need --events >= 2 * --plans")
    with _common.throwaway_database("fitcoach_bench_audit") as url:
        settings = _common.durability_settings(url)
        if not _common.is_durable(settings):
            print(f"refusing to run: commits are not durable ({settings})", file=sys.stderr)
            return 2
        figures = asyncio.run(run(args, url))
    _common.print_json_last_line(figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
