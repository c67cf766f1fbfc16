"""The composition root: every adapter is built here, from settings, and nowhere at import time.

Tests pass their own adapters in place of the ones the settings would choose.
"""

from __future__ import annotations

from dataclasses import dataclass

from application.cache import Cache
from application.eventstore import EventStore
from application.handler import WORKOUT_PLANS, CommandHandler
from domain import Plan
from domain.commands import PlanCommand
from domain.events import PlanEvent
from projections.registry import PROJECTIONS
from projections.runner import ProjectionRunner
from settings import Settings


@dataclass(frozen=True, slots=True)
class Core:
    settings: Settings
    store: EventStore
    plans: CommandHandler[PlanCommand, Plan, PlanEvent]

    async def close(self) -> None:
        await self.store.close()


async def event_store_from(settings: Settings) -> EventStore:
    match settings.chosen_event_store:
        case "memory":
            from adapters.memory_store import InMemoryEventStore

            return InMemoryEventStore()
        case "kurrentdb":
            from adapters.kurrent_store import KurrentEventStore

            if not settings.kurrentdb_url:
                raise ValueError("FITCOACH_EVENT_STORE=kurrentdb needs FITCOACH_KURRENTDB_URL")
            return KurrentEventStore(settings.kurrentdb_url)
        case "postgres":
            from adapters.postgres_store import PostgresEventStore

            return await PostgresEventStore.connect(
                settings.database_url,
                min_size=settings.db_pool_min_size,
                max_size=settings.db_pool_max_size,
            )


async def build_core(settings: Settings, *, store: EventStore | None = None) -> Core:
    store = store or await event_store_from(settings)
    plans = CommandHandler(store, WORKOUT_PLANS, retries=settings.command_retries)
    return Core(settings=settings, store=store, plans=plans)


def build_projection_runners(
    settings: Settings, store: EventStore, *, cache: Cache | None = None
) -> list[ProjectionRunner]:
    """A runner for each projection in `projections.registry.PROJECTIONS` (`fitcoach project`, server)."""
    return [
        ProjectionRunner(
            store,
            settings.database_url,
            projection,
            cache=cache,
            batch_size=settings.projection_batch_size,
            standby_retry_seconds=settings.projection_standby_retry_seconds,
        )
        for projection in PROJECTIONS
    ]


async def projector_cache_from(settings: Settings) -> Cache | None:
    """The cache a projector process invalidates: the shared Redis, if any (another process's memory is
    out of reach)."""
    if settings.redis_url is None:
        return None
    from adapters.redis_cache import RedisCache

    return await RedisCache.connect(settings.redis_url, timeout_seconds=settings.redis_timeout_seconds)
