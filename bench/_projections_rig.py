"""The projection benchmark's measured phases that drive the `projections` package: a plain read of the
log, the rebuild (checked against the generated plans), and read-your-writes with a running projector."""

from __future__ import annotations

import argparse
import random
import sys
import time
from pathlib import Path

import projections
from adapters.postgres.store import PostgresEventStore
from application.snapshot_backfill import backfill_snapshots
from bench._projections_projector import PROJECTION, running_projector
from bench._projections_ryw import CommandPicker, RywResult, drive
from bench._projections_verify import verify_read_model
from bench._projections_watch import CheckpointWatch
from bench._projections_workload import PlanScript
from domain.plans import Plan, decode
from domain.plans.decider import WORKOUT_PLANS
from domain.plans.streams import PLAN_STREAM_PREFIX
from fitcoach.settings import Settings
from fitcoach.wiring.core import build_core, snapshots_from
from projections.rebuild import DEFAULT_PAGE_SIZE, RebuildProgress, rebuild
from projections.registry import projection_named
from projections.schema import migrate as migrate_projections

WARMUP_SECONDS = 1.0
REPO_ROOT = Path(__file__).resolve().parent.parent

__all__ = [
    "build_snapshots",
    "check_package",
    "measure_read_your_writes",
    "migrate_projections",
    "read_and_decode",
]


def core_settings(url: str) -> Settings:
    """The settings the command side runs with: the environment's (`FITCOACH_SNAPSHOT_EVERY`, ...), on
    this run's database."""
    return Settings(database_url=url, event_store="postgres")


def check_package() -> None:
    """`bench/projections.py` must not have been imported in place of the package it is named after."""
    location = Path(projections.__file__).resolve()
    if location.parent != REPO_ROOT / "projections" or location.name != "__init__.py":
        raise RuntimeError(f"`import projections` resolved to {location}, not the package")


async def read_and_decode(store: PostgresEventStore, expected: int) -> float:
    """Seconds to read the whole log in the rebuild's page size and decode every event (the read side)."""
    started = time.perf_counter()
    after = count = 0
    while page := await store.read_all(after=after, limit=DEFAULT_PAGE_SIZE):
        for event in page:
            decode(event.type, event.schema_version, event.data)
        count += len(page)
        after = page[-1].position
    if count != expected:
        raise RuntimeError(f"read {count} events, expected {expected}")
    return time.perf_counter() - started


async def rebuild_projection(
    store: PostgresEventStore, url: str, scripts: list[PlanScript], rng: random.Random
) -> tuple[float, float]:
    """Wall seconds of `rebuild()` (swap included) and the rebuild's own events/s; checks the result."""
    last_print = 0.0

    def show(progress: RebuildProgress) -> None:
        nonlocal last_print
        if progress.elapsed_seconds - last_print >= 5.0:
            last_print = progress.elapsed_seconds
            print(
                f"  rebuild: {progress.events:,} events, {progress.events_per_second:,.0f}/s",
                file=sys.stderr,
            )

    print("rebuilding workout_plans ...", file=sys.stderr)
    started = time.perf_counter()
    outcome = await rebuild(store, url, projection_named(PROJECTION), progress=show)
    seconds = time.perf_counter() - started
    if outcome.events != await store.current_position():
        raise RuntimeError(f"rebuild replayed {outcome.events} events, not the whole log")
    await verify_read_model(url, scripts, rng)
    return seconds, outcome.events_per_second


async def build_snapshots(store: PostgresEventStore, url: str) -> tuple[int, float]:
    """Untimed setup: the snapshots the command path would have saved had the loaded history gone through
    it (`backfill_snapshots`), so commands start from the steady state. Returns (saved, seconds)."""
    settings = core_settings(url)
    snapshots = await snapshots_from(settings)
    if snapshots is None:
        return 0, 0.0
    print(f"backfilling snapshots (every {settings.snapshot_every} events) ...", file=sys.stderr)
    started = time.perf_counter()
    try:
        saved = await backfill_snapshots(
            store, snapshots, WORKOUT_PLANS, stream_prefix=PLAN_STREAM_PREFIX, every=settings.snapshot_every
        )
    finally:
        await snapshots.close()
    return saved, time.perf_counter() - started


async def measure_read_your_writes(
    store: PostgresEventStore, url: str, plans: list[Plan], args: argparse.Namespace, rng: random.Random
) -> RywResult:
    watch = CheckpointWatch(url, PROJECTION)
    await watch.start()
    core = await build_core(core_settings(url), store=store)  # the real composition: handler + snapshots
    try:
        async with running_projector(store, url, args.runner, args.redis_url):
            handler = core.plans
            picker = CommandPicker(plans, rng)
            await drive(handler, watch, picker, rate=args.rate, seconds=WARMUP_SECONDS)
            print(
                f"read-your-writes: {args.rate:.0f} commands/s for {args.seconds:.0f} s ...", file=sys.stderr
            )
            return await drive(handler, watch, picker, rate=args.rate, seconds=args.seconds)
    finally:
        if core.snapshots is not None:
            await core.snapshots.close()  # the store is the caller's
        await watch.stop()
