"""Catch-up benchmark: how fast the live `ProjectionRunner`s bring the read models up from position 0.

Run from the repo root: `python bench/catchup.py [--events N --plans N]`. It loads the projection
benchmark's generated history of workout plans into a throwaway database (dropped afterwards), then
measures in the same run:
- the ceiling: `read_all` + decode of the whole log in the runners' page size, doing nothing else;
- the runner of each registered projection alone, then all of them together in one process (as
  `fitcoach project` runs them), each from a reset checkpoint and empty tables.
Not `fitcoach projections rebuild`, which replays into fresh tables far faster; this is what a projector
does after a long outage or when a projection is added without a rebuild. It prints a table and one JSON
object as the last line of stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time

import psycopg
from psycopg import sql

from adapters.postgres.schema import migrate as migrate_event_store
from adapters.postgres.store import PostgresEventStore
from bench import _common
from bench._projections_load import copy_into_log
from bench._projections_workload import interleaved, scripts_for, timelines
from domain.plans import decode
from projections.projection import Projection
from projections.registry import PROJECTIONS
from projections.runner import DEFAULT_BATCH_SIZE, ProjectionRunner
from projections.schema import migrate as migrate_projections

TIMEOUT_SECONDS = 600.0


async def read_and_decode(store: PostgresEventStore, page_size: int) -> tuple[int, float]:
    started, after, count = time.perf_counter(), 0, 0
    while page := await store.read_all(after=after, limit=page_size):
        for event in page:
            decode(event.type, event.schema_version, event.data)
        count, after = count + len(page), page[-1].position
    return count, time.perf_counter() - started


async def reset(url: str, projections: tuple[Projection, ...]) -> None:
    """Checkpoints back to 0 and the read models empty: a projector starting from nothing."""
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn, conn.transaction():
        for projection in projections:
            cursor = await conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = %s", (projection.schema,)
            )
            for (table,) in await cursor.fetchall():
                await conn.execute(
                    sql.SQL("TRUNCATE {}.{}").format(sql.Identifier(projection.schema), sql.Identifier(table))
                )
            await conn.execute(
                "UPDATE projections.checkpoints SET position = 0, invalidations = '[]' WHERE name = %s",
                (projection.name,),
            )


async def catch_up(store: PostgresEventStore, url: str, projections: tuple[Projection, ...]) -> float:
    """Seconds until every runner's checkpoint reaches the head of the log."""
    await reset(url, projections)
    head = await store.current_position()
    runners = [ProjectionRunner(store, url, projection) for projection in projections]
    started = time.perf_counter()
    tasks = [asyncio.create_task(runner.run()) for runner in runners]
    names = [projection.name for projection in projections]
    try:
        async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
            while time.perf_counter() - started < TIMEOUT_SECONDS:
                if any(task.done() for task in tasks):
                    raise RuntimeError("a projection runner ended early")
                cursor = await conn.execute(
                    "SELECT min(position) FROM projections.checkpoints WHERE name = ANY(%s)", (names,)
                )
                row = await cursor.fetchone()
                if row is not None and row[0] >= head:
                    return time.perf_counter() - started
                await asyncio.sleep(0.02)
        raise RuntimeError(f"not caught up within {TIMEOUT_SECONDS:.0f} s")
    finally:
        for runner in runners:
            runner.stop()
        await asyncio.gather(*tasks, return_exceptions=True)


async def run(args: argparse.Namespace, url: str) -> dict[str, object]:
    await migrate_event_store(url)
    await migrate_projections(url)
    rng = random.Random(args.seed)
    print(f"loading {args.events:,} events over {args.plans:,} plans ...", file=sys.stderr)
    loaded = await copy_into_log(url, interleaved(scripts_for(timelines(args.events, args.plans, rng), rng)))
    store = await PostgresEventStore.connect(url, min_size=2, max_size=10)
    try:
        events, ceiling_seconds = await read_and_decode(store, DEFAULT_BATCH_SIZE)
        rows = [("read_all + decode (ceiling)", ceiling_seconds)]
        for projection in PROJECTIONS:
            rows.append((f"runner: {projection.name}", await catch_up(store, url, (projection,))))
        rows.append(("runners: all, one process", await catch_up(store, url, PROJECTIONS)))
    finally:
        await store.close()
    ceiling_eps = events / ceiling_seconds
    table = [
        [name, f"{seconds:.1f}", f"{events / seconds:,.0f}", _common.ratio(events / seconds, ceiling_eps)]
        for name, seconds in rows
    ]
    print(f"events={loaded.events:,} plans={args.plans:,}, batches of {DEFAULT_BATCH_SIZE}")
    print(_common.format_table(["row", "seconds", "events/s", "vs ceiling"], table))
    figures: dict[str, object] = {"events": events, "plans": args.plans, "batch_size": DEFAULT_BATCH_SIZE}
    figures["ceiling_eps"] = round(ceiling_eps)
    for name, seconds in rows[1:]:
        key = name.split(": ", 1)[1].replace(", one process", "").replace(" ", "_")
        figures[f"catchup_{key}_eps"] = round(events / seconds)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description="Live projection runners catching up from position 0.")
    parser.add_argument("--events", type=int, default=100_000, help="events in the log (default 100000)")
    parser.add_argument("--plans", type=int, default=1_000, help="workout plans (default 1000)")
    parser.add_argument("--seed", type=int, default=3, help="workload seed")
    args = parser.parse_args()
    if args.plans < 1 or args.events < 2 * args.plans:
        parser.error("need --plans >= 1 and --events >= 2 * --plans")
    with _common.throwaway_database("fitcoach_bench_catchup") as url:
        settings = _common.durability_settings(url)
        if not _common.is_durable(settings):
            print(f"refusing to run: commits are not durable ({settings})", file=sys.stderr)
            return 2
        figures = asyncio.run(run(args, url))
    _common.print_json_last_line(figures)
    return 0


if __name__ == "__main__":
    sys.exit(main())
