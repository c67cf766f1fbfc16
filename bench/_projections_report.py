"""The projection benchmark's report: a readable table, the targets, and the JSON last line."""

from __future__ import annotations

import math
from dataclasses import dataclass

from bench._common import format_table, is_durable, print_json_last_line
from bench._projections_ceiling import CeilingRun, TableDump
from bench._projections_load import Loaded
from bench._projections_ryw import RywResult, median, percentile

REBUILD_TARGET_EPS = 20_000
RYW_P99_TARGET_MS = 50.0
RYW_TARGET_RATE = 200.0
"""The write load the read-your-writes target is set for; a run well below it cannot meet the target."""


@dataclass(frozen=True, slots=True)
class Figures:
    events: int
    plans: int
    loaded: Loaded
    read_decode_seconds: float
    rebuild_seconds: float
    rebuild_reported_eps: float
    dumps: list[TableDump]
    ceiling: list[CeilingRun]
    ryw: RywResult
    ryw_rate: float
    ryw_seconds: float
    runner: str
    projector_redis: bool
    snapshot_every: int
    snapshots_saved: int
    snapshots_seconds: float
    """Untimed setup: backfilling the snapshots the command path would have saved."""


def report(figures: Figures, settings: dict[str, str], elapsed: float) -> None:
    events = figures.events
    rebuild_eps = events / figures.rebuild_seconds
    ceiling = {run.variant: run for run in figures.ceiling}
    copy_eps = events / ceiling["bare"].median
    indexed_eps = events / ceiling["indexed"].median
    read_eps = events / figures.read_decode_seconds
    rows_total = sum(dump.rows for dump in figures.dumps)
    ryw = figures.ryw
    delays = ryw.delays_ms()
    p50, p99 = median(delays), percentile(delays, 0.99)
    durable = is_durable(settings)

    print(
        f"events={events:,} plans={figures.plans:,} loaded by one COPY into eventstore.events"
        f" ({figures.loaded.commands:,} commands; generation + COPY {figures.loaded.seconds:.0f} s, untimed)"
    )
    print("postgres " + " ".join(f"{name}={value}" for name, value in settings.items()))
    if not durable:
        print("WARNING: NOT DURABLE (fsync or synchronous_commit off): these results do not count")
    print("read model rows: " + ", ".join(f"{dump.table} {dump.rows:,}" for dump in figures.dumps))
    print()
    table = [
        ["read_all + decode (whole log)", f"{figures.read_decode_seconds:.1f}", f"{read_eps:,.0f}", "-"],
        [
            "rebuild workout_plans",
            f"{figures.rebuild_seconds:.1f}",
            f"{rebuild_eps:,.0f}",
            _vs(rebuild_eps, copy_eps),
        ],
        ["COPY ceiling, bare tables", f"{ceiling['bare'].median:.2f}", f"{copy_eps:,.0f}", "1.00x"],
        [
            "COPY, tables with indexes",
            f"{ceiling['indexed'].median:.2f}",
            f"{indexed_eps:,.0f}",
            _vs(indexed_eps, copy_eps),
        ],
    ]
    print(format_table(["row", "seconds", "events/s", "vs COPY"], table))
    print(f"(rebuild's own report: {figures.rebuild_reported_eps:,.0f} events/s; COPY rows {rows_total:,})")
    print()
    if figures.snapshot_every:
        print(
            f"snapshots every {figures.snapshot_every} events: {figures.snapshots_saved:,} backfilled from"
            f" the log in {figures.snapshots_seconds:.0f} s (untimed), as the command path would have"
            " left them"
        )
    else:
        print("snapshots off (FITCOACH_SNAPSHOT_EVERY=0): every command folds its whole stream")
    print(
        f"read-your-writes: {len(ryw.timings):,} commands at {ryw.achieved_rate:.0f}/s"
        f" (target {figures.ryw_rate:.0f}/s for {figures.ryw_seconds:.0f} s, open loop);"
        f" runner {figures.runner}, {'with' if figures.projector_redis else 'without'} Redis"
    )
    latency_rows = [
        ["read-your-writes: due -> visible", *_quantiles(delays)],
        ["  due -> started (loop lateness)", *_quantiles(ryw.lateness_ms())],
        ["  started -> committed (handler)", *_quantiles(ryw.command_ms())],
        ["  committed -> visible (projector)", *_quantiles(ryw.commit_to_visible_ms())],
    ]
    print(format_table(["ms", "p50", "p90", "p99", "max"], latency_rows))
    unseen = ryw.unseen
    if unseen or ryw.failures:
        print(
            f"WARNING: {unseen} commands never became visible, {len(ryw.failures)} failed: {ryw.failures[:3]}"
        )
    targets = {
        "rebuild_ge_20k_eps": rebuild_eps >= REBUILD_TARGET_EPS,
        "ryw_p99_lt_50ms_at_200_cmd_s": p99 < RYW_P99_TARGET_MS
        and ryw.achieved_rate >= 0.95 * RYW_TARGET_RATE
        and not unseen
        and not ryw.failures,
    }
    for target, met in targets.items():
        print(f"target {target}: {'met' if met else 'MISSED'}")
    print(f"total {elapsed:.0f} s")
    result: dict[str, object] = {
        "events": events,
        "plans": figures.plans,
        "commands_loaded": figures.loaded.commands,
        "generation": "domain decider per plan, interleaved by time; one COPY into eventstore.events",
        "ryw_measured_from": "due time of each command (open-loop schedule)",
        "rebuild_eps": round(rebuild_eps),
        "rebuild_seconds": round(figures.rebuild_seconds, 2),
        "copy_ceiling_eps": round(copy_eps),
        "copy_ceiling_rows": rows_total,
        "copy_indexed_eps": round(indexed_eps),
        "read_decode_eps": round(read_eps),
        "ryw_p50_ms": _json_ms(p50),
        "ryw_p99_ms": _json_ms(p99),
        "ryw_handler_p50_ms": _json_ms(median(ryw.command_ms())),
        "ryw_handler_p99_ms": _json_ms(percentile(ryw.command_ms(), 0.99)),
        "ryw_projector_p50_ms": _json_ms(median(ryw.commit_to_visible_ms())),
        "ryw_projector_p99_ms": _json_ms(percentile(ryw.commit_to_visible_ms(), 0.99)),
        "ryw_commands": len(ryw.timings),
        "ryw_failures": len(ryw.failures),
        "ryw_unseen": unseen,
        "achieved_cmd_rate": round(ryw.achieved_rate, 1),
        "target_cmd_rate": figures.ryw_rate,
        "runner": figures.runner,
        "projector_redis": figures.projector_redis,
        "snapshot_every": figures.snapshot_every,
        "snapshots_backfilled": figures.snapshots_saved,
        "durable": durable,
        **{f"postgres_{name}": value for name, value in settings.items()},
        "targets": targets,
        "all_targets_met": all(targets.values()),
        "elapsed_seconds": round(elapsed, 1),
    }
    print_json_last_line(result)


def _vs(value: float, reference: float) -> str:
    return f"{value / reference:.2f}x" if reference else "-"


def _quantiles(values: list[float]) -> list[str]:
    if not values:
        return ["-"] * 4
    quantiles = (median(values), percentile(values, 0.9), percentile(values, 0.99), max(values))
    return [f"{q:,.1f}" for q in quantiles]


def _json_ms(value: float) -> float | None:
    """Milliseconds for the JSON line; null when some command was never seen (JSON has no infinity)."""
    return round(value, 2) if math.isfinite(value) else None
