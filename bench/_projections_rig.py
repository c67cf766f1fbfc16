"""The projection benchmark's measured phases that drive the `projections` package: a plain read of the
log, the rebuild (checked against the generated plans), and read-your-writes with a running projector."""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import signal
import sys
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import psycopg
from _projections_ryw import CommandPicker, RywResult, drive
from _projections_verify import verify_read_model
from _projections_watch import CheckpointWatch
from _projections_workload import PlanScript

import projections
from adapters.postgres_store import PostgresEventStore
from application.handler import WORKOUT_PLANS
from application.snapshot_backfill import backfill_snapshots
from bootstrap import build_core, projector_cache_from, redis_pubsub_from, snapshots_from
from domain import Plan, decode
from projections.rebuild import DEFAULT_PAGE_SIZE, RebuildProgress, rebuild
from projections.registry import PROJECTIONS, projection_named
from projections.runner import ProjectionRunner
from projections.schema import migrate as migrate_projections
from settings import Settings

PROJECTION = "workout_plans"
WARMUP_SECONDS = 1.0
CATCH_UP_TIMEOUT_SECONDS = 120.0
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
            store, snapshots, WORKOUT_PLANS, stream_prefix="workout-", every=settings.snapshot_every
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
        async with _running_projector(store, url, args.runner, args.redis_url):
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


@contextlib.asynccontextmanager
async def _running_projector(
    store: PostgresEventStore, url: str, kind: str, redis_url: str | None
) -> AsyncIterator[None]:
    """A ProjectionRunner for the workout read model, caught up with the log before the yield. With
    `redis_url` it invalidates the shared cache and announces plan changes there after each batch, as in
    the scale-out setup, under a key prefix of this run's own."""
    settings = Settings(
        database_url=url,
        event_store="postgres",
        redis_url=redis_url,
        redis_key_prefix=f"bench-projections-{uuid.uuid4().hex[:12]}:",
    )
    if kind == "in-process":
        async with contextlib.AsyncExitStack() as stack:
            cache = await projector_cache_from(settings)
            publisher = await redis_pubsub_from(settings)
            for closeable in (cache, publisher):
                if closeable is not None:
                    stack.push_async_callback(closeable.close)
            runner = ProjectionRunner(
                store, url, projection_named(PROJECTION), cache=cache, publisher=publisher
            )
            task = asyncio.create_task(runner.run())
            try:
                await _caught_up(url, await store.current_position(), task, [PROJECTION])
                yield
            finally:
                runner.stop()
                await task
        return
    env = {**os.environ, "FITCOACH_DATABASE_URL": url, "FITCOACH_EVENT_STORE": "postgres"}
    env.pop("FITCOACH_REDIS_URL", None)
    if settings.redis_url is not None:
        env |= {
            "FITCOACH_REDIS_URL": settings.redis_url,
            "FITCOACH_REDIS_KEY_PREFIX": settings.redis_key_prefix,
        }
    process = await asyncio.create_subprocess_exec(
        sys.executable, str(REPO_ROOT / "cli.py"), "project", cwd=REPO_ROOT, env=env
    )
    try:
        # `fitcoach project` runs every registered projection: all of them must have caught up.
        names = [projection.name for projection in PROJECTIONS]
        await _caught_up(url, await store.current_position(), asyncio.ensure_future(process.wait()), names)
        yield
    finally:
        if process.returncode is None:
            process.send_signal(signal.SIGTERM)
        if await process.wait() not in (0, -signal.SIGTERM):
            raise RuntimeError(f"`fitcoach project` exited with {process.returncode}")


async def _caught_up(url: str, head: int, watched: asyncio.Future[Any], names: list[str]) -> None:
    """Wait (untimed setup) until each projection in `names` runs with its checkpoint at `head`, so the
    measurement sees the steady state, not a projector still replaying history; `watched`: the runner."""
    deadline = time.perf_counter() + CATCH_UP_TIMEOUT_SECONDS
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        while time.perf_counter() < deadline:
            if watched.done():
                raise RuntimeError(f"the projection runner ended early: {watched.exception()!r}")
            cursor = await conn.execute(
                "SELECT count(*) FROM projections.checkpoints"
                " WHERE name = ANY(%s) AND position >= %s AND state = 'running'",
                (names, head),
            )
            row = await cursor.fetchone()
            if row is not None and row[0] == len(names):
                return
            await asyncio.sleep(0.05)
    raise RuntimeError("the projection runner did not catch up in time")
