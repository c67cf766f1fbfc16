"""`ProjectionRunner`: keeps one projection's read model up to date with the log.

- One active instance per projection: the runner's own connection holds a session-level advisory lock,
  and every batch transaction runs on that same connection. If the connection drops (a PostgreSQL restart,
  say), the lock and any open batch go with it; the runner reconnects with backoff and competes again.
  A runner that finds the lock taken stands by and retries every `standby_retry_seconds`.
- It follows the log from its checkpoint in batches (`LogFollower`): full batches while catching up,
  a live event at once.
- A batch that fails for any reason other than a lost connection is retried event by event; the event
  that still fails stops the projection (state `failed`, see `ProjectionFailed`). Nothing is skipped.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Sequence

import psycopg

from application.cache import Cache
from application.eventstore import EventStore, RecordedEvent
from application.pubsub import PubSub
from projections import checkpoints, metrics
from projections.batch import TRANSIENT_ERRORS, apply_batch
from projections.checkpoints import State
from projections.follow import LogFollower
from projections.invalidation import CacheInvalidator
from projections.lag import LagSampler
from projections.projection import Connection, EventFailed, Projection, ProjectionFailed, describe

log = logging.getLogger("fitcoach.projections")
LOCK_NAMESPACE = 461_029_318
"""First key of the projections' advisory locks; the second is `hashtext(projection name)`."""
DEFAULT_BATCH_SIZE = 500


class ProjectionRunner:
    def __init__(
        self,
        store: EventStore,
        conninfo: str,
        projection: Projection,
        *,
        cache: Cache | None = None,
        publisher: PubSub | None = None,
        batch_size: int = DEFAULT_BATCH_SIZE,
        standby_retry_seconds: float = 1.0,
        max_backoff_seconds: float = 5.0,
        lag_sample_seconds: float = 1.0,
    ) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be 1 or more")
        self._store = store
        self._conninfo = conninfo
        self._projection = projection
        self._name = projection.name
        self._invalidator = CacheInvalidator(cache, projection.name, publisher)
        self._lag = LagSampler(store, projection.name, lag_sample_seconds)
        self._batch_size = batch_size
        self._standby_retry_seconds = standby_retry_seconds
        self._max_backoff_seconds = max_backoff_seconds
        self._stopping = asyncio.Event()
        self.active = False
        """True while this instance holds the projection's lock."""
        self.events_applied = 0
        """Events this instance applied (not counting those another instance had already applied)."""

    @property
    def name(self) -> str:
        return self._name

    def stop(self) -> None:
        """Ask `run` to return after the batch in hand (the state becomes `stopped`)."""
        self._stopping.set()

    async def run(self) -> None:
        """Project until `stop()`. Raises `ProjectionFailed` when a poison event stops the projection."""
        failures = 0
        while not self._stopping.is_set():
            try:
                async with await self._connect() as conn:
                    if await self._acquire_lock(conn):
                        failures = 0
                        await self._project(conn)
            except TRANSIENT_ERRORS as error:
                failures += 1
                delay = min(0.05 * 2**failures, self._max_backoff_seconds)
                log.warning(
                    "projection %s: lost PostgreSQL or the log (%s); retrying in %.2f s",
                    self._name,
                    describe(error),
                    delay,
                )
                await self._pause(delay)
            finally:
                self.active = False

    async def _connect(self) -> Connection:
        # Batches commit without waiting for the WAL flush. A read model is derived data and each batch
        # commits its writes and its checkpoint together: if PostgreSQL crashes before the flush, both
        # are lost together and the batch is applied again from the log, so the effect stays exactly once.
        # The log itself (the event store's appends) keeps full durability.
        return await psycopg.AsyncConnection.connect(
            self._conninfo,
            autocommit=True,
            connect_timeout=5,
            application_name=f"fitcoach-projector:{self._name}"[:63],
            options="-c synchronous_commit=off",
        )

    async def _acquire_lock(self, conn: Connection) -> bool:
        standing_by = False
        while not self._stopping.is_set():
            cursor = await conn.execute(
                "SELECT pg_try_advisory_lock(%s, hashtext(%s))", (LOCK_NAMESPACE, self._name)
            )
            row = await cursor.fetchone()
            if row is not None and row[0]:
                self.active = True
                return True
            if not standing_by:
                log.info("projection %s: another instance is active; standing by", self._name)
                standing_by = True
            await self._pause(self._standby_retry_seconds)
        return False

    async def _project(self, conn: Connection) -> None:
        await checkpoints.set_state(conn, self._name, State.RUNNING)
        checkpoint = await self._checkpoint(conn)
        position = checkpoint.position
        log.info("projection %s: active, following the log after position %d", self._name, position)
        self._lag.position = position
        # Left by an instance that died between its last commit and telling the cache, or by a swap.
        await self._invalidator.invalidate(checkpoint.invalidations)
        sampler = asyncio.create_task(self._lag.run())
        try:
            async with LogFollower(self._store, position, self._batch_size, self._stopping) as follower:
                while (batch := await follower.next_batch()) is not None:
                    await self._apply(conn, batch)
        finally:
            sampler.cancel()
            await asyncio.gather(sampler, return_exceptions=True)
        await checkpoints.record_clean_stop(conn, self._name)
        log.info("projection %s: stopped at position %d", self._name, self._lag.position)

    async def _checkpoint(self, conn: Connection) -> checkpoints.Position:
        try:
            return await checkpoints.position_of(conn, self._name)
        except LookupError:
            raise LookupError(
                f"projection {self._name!r} has no checkpoint: run `fitcoach migrate`"
            ) from None

    async def _apply(self, conn: Connection, batch: Sequence[RecordedEvent]) -> None:
        started = time.perf_counter()
        try:
            outcome = await apply_batch(conn, self._projection, batch, after=self._lag.position)
        except TRANSIENT_ERRORS:
            raise
        except Exception as error:
            if len(batch) > 1:
                log.warning(
                    "projection %s: a batch of %d events failed (%s); applying them one by one",
                    self._name,
                    len(batch),
                    describe(error),
                )
                for event in batch:
                    await self._apply(conn, [event])
                return
            await self._fail(conn, batch[0], error)
        metrics.BATCH_SECONDS.labels(self._name).observe(time.perf_counter() - started)
        metrics.EVENTS_APPLIED.labels(self._name).inc(outcome.applied)
        self.events_applied += outcome.applied
        self._lag.position = outcome.position
        await self._invalidator.invalidate(outcome.invalidations)

    async def _fail(self, conn: Connection, event: RecordedEvent, error: Exception) -> None:
        cause = error.__cause__ if isinstance(error, EventFailed) and error.__cause__ else error
        failure = ProjectionFailed(self._name, event, cause)
        log.error("%s; fix the cause and restart: it resumes from this event", failure)
        await checkpoints.set_state(conn, self._name, State.FAILED, str(failure))
        raise failure from error

    async def _pause(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), seconds)
