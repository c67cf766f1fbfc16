"""The projector the read-your-writes phase runs against: a `fitcoach project` subprocess (the scale-out
setup) or a `ProjectionRunner` in this process, with or without Redis, caught up before measuring."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import sys
import time
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import psycopg

from adapters.postgres.store import PostgresEventStore
from fitcoach.settings import Settings
from fitcoach.wiring.core import projector_cache_from, redis_pubsub_from
from projections.registry import PROJECTIONS, projection_named
from projections.runner import ProjectionRunner

PROJECTION = "workout_plans"
CATCH_UP_TIMEOUT_SECONDS = 120.0
REPO_ROOT = Path(__file__).resolve().parent.parent


@contextlib.asynccontextmanager
async def running_projector(
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
        sys.executable, "-m", "fitcoach.cli", "project", cwd=REPO_ROOT, env=env
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
