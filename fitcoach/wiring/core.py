"""The composition root: every adapter is built here, from settings, and nowhere at import time.

Tests pass their own adapters in place of the ones the settings would choose.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from application.audit.reads import AuditReads
from application.audit.trace import CorrelationIndex, ScannedCorrelations
from application.audit.verify import ReadModelVerification
from application.cache import Cache
from application.eventstore import EventStore
from application.handler import CommandHandler
from application.privacy.keys import DataKeys
from application.privacy.opened_store import OpenedEventStore
from application.privacy.vault import PersonalDataVault
from application.pubsub import PubSub
from application.snapshots import Snapshots
from domain.coaching import CoachingSession
from domain.coaching.commands import CoachingCommand
from domain.coaching.decider import COACHING
from domain.coaching.events import CoachingEvent
from domain.library.commands import LibraryCommand
from domain.library.decider import LIBRARY
from domain.library.events import LibraryEvent
from domain.library.state import LibraryExercise
from domain.plans import Plan
from domain.plans.commands import PlanCommand
from domain.plans.decider import WORKOUT_PLANS
from domain.plans.events import PlanEvent
from fitcoach.settings import Settings
from projections.registry import PROJECTIONS, READS_PERSONAL_DATA
from projections.replay_loop import RebuildProgress
from projections.runner import ProjectionRunner
from projections.verification import ScratchRebuilds


@dataclass(frozen=True, slots=True)
class Core:
    settings: Settings
    store: OpenedEventStore
    """The event store, read with personal fields opened; `store.stored` is the log as written."""
    plans: CommandHandler[PlanCommand, Plan, PlanEvent]
    library: CommandHandler[LibraryCommand, LibraryExercise, LibraryEvent]
    snapshots: Snapshots | None = None

    @property
    def vault(self) -> PersonalDataVault:
        return self.store.vault

    async def close(self) -> None:
        if self.snapshots is not None:
            await self.snapshots.close()
        await self.store.close()


async def resolve_database_url(settings: Settings) -> str:
    """`FITCOACH_DATABASE_URL`, or else the URL of the embedded PostgreSQL in `FITCOACH_DATA_DIR`, which
    this starts (or joins, when another process of this machine already runs it). Idempotent: call it
    wherever a URL is needed; resolved settings are `settings.model_copy(update={"database_url": url})`."""
    if settings.database_url is not None:
        return settings.database_url
    from adapters.postgres.embedded.server import start_embedded_postgres

    return await start_embedded_postgres(settings.data_dir)


async def event_store_from(settings: Settings) -> EventStore:
    match settings.chosen_event_store:
        case "memory":
            from adapters.memory.store import InMemoryEventStore

            return InMemoryEventStore()
        case "kurrentdb":
            from adapters.kurrentdb.store import KurrentEventStore

            if not settings.kurrentdb_url:
                raise ValueError("FITCOACH_EVENT_STORE=kurrentdb needs FITCOACH_KURRENTDB_URL")
            return KurrentEventStore(settings.kurrentdb_url)
        case "postgres":
            from adapters.postgres.store import PostgresEventStore

            return await PostgresEventStore.connect(
                await resolve_database_url(settings),
                min_size=settings.db_pool_min_size,
                max_size=settings.db_pool_max_size,
            )


async def data_keys_from(settings: Settings) -> DataKeys:
    """Where each person's data key lives: PostgreSQL (there in every deployment, also next to KurrentDB),
    in memory with the in-memory event store."""
    if settings.chosen_event_store == "memory":
        from adapters.memory.data_keys import InMemoryDataKeys

        return InMemoryDataKeys()
    from adapters.postgres.data_keys import PostgresDataKeys

    return await PostgresDataKeys.connect(await resolve_database_url(settings))


async def opened_store_from(
    settings: Settings, stored: EventStore | None = None, *, keys: DataKeys | None = None
) -> OpenedEventStore:
    """The event store every reader of events but the integrity audit and the replay export uses:
    `stored` (or the configured store) with personal fields opened by the data keys."""
    if isinstance(stored, OpenedEventStore):
        return stored
    stored = stored or await event_store_from(settings)
    try:
        keys = keys or await data_keys_from(settings)
    except BaseException:
        await stored.close()
        raise
    return OpenedEventStore(stored, PersonalDataVault(keys))


def correlation_index_for(store: EventStore) -> CorrelationIndex:
    """The store's own lookup by correlation id (PostgreSQL: indexed; memory: a scan), or else a scan of
    its log through the port (KurrentDB)."""
    from adapters.memory.store import InMemoryEventStore
    from adapters.postgres.store import PostgresEventStore

    stored = store.stored if isinstance(store, OpenedEventStore) else store
    if isinstance(stored, PostgresEventStore | InMemoryEventStore):
        return stored
    return ScannedCorrelations(store)


def audit_reads_for(store: EventStore) -> AuditReads:
    """What `fitcoach audit` and the auditors' GraphQL fields read the log with (`store` opened: an
    auditor sees personal data that was not erased, as an admin does)."""
    return AuditReads.over(store, correlation_index_for(store))


async def snapshots_from(settings: Settings) -> Snapshots | None:
    """Where command handlers keep snapshots: PostgreSQL (there in every deployment, also next to
    KurrentDB), in memory with the in-memory event store, none with `snapshot_every` 0."""
    if settings.snapshot_every == 0:
        return None
    if settings.chosen_event_store == "memory":
        from adapters.memory.snapshots import InMemorySnapshots

        return InMemorySnapshots()
    from adapters.postgres.snapshots import PostgresSnapshots

    return await PostgresSnapshots.connect(
        await resolve_database_url(settings),
        min_size=settings.db_pool_min_size,
        max_size=settings.db_pool_max_size,
    )


async def build_core(
    settings: Settings, *, store: EventStore | None = None, snapshots: Snapshots | None = None
) -> Core:
    opened = await opened_store_from(settings, store)
    snapshots = snapshots or await snapshots_from(settings)
    plans = CommandHandler(
        opened,
        WORKOUT_PLANS,
        retries=settings.command_retries,
        snapshots=snapshots,
        snapshot_every=settings.snapshot_every,
    )
    library = library_handler(settings, opened)
    return Core(settings=settings, store=opened, plans=plans, library=library, snapshots=snapshots)


def library_handler(
    settings: Settings, store: EventStore
) -> CommandHandler[LibraryCommand, LibraryExercise, LibraryEvent]:
    """The command path of library exercises (imports and the admin mutations)."""
    return CommandHandler(store, LIBRARY, retries=settings.command_retries)


def coaching_handler(
    settings: Settings, store: OpenedEventStore
) -> CommandHandler[CoachingCommand, CoachingSession, CoachingEvent]:
    """The command path of coaching sessions (the API's mutations and the coach worker)."""
    return CommandHandler(store, COACHING, retries=settings.command_retries, vault=store.vault)


def build_projection_runners(
    settings: Settings, store: EventStore, *, cache: Cache | None = None, publisher: PubSub | None = None
) -> list[ProjectionRunner]:
    """A runner for each projection in `projections.registry.PROJECTIONS` (`fitcoach project`, server).
    Only those in `READS_PERSONAL_DATA` read `store` opened; the others read the log as written."""
    stored = store.stored if isinstance(store, OpenedEventStore) else store
    return [
        ProjectionRunner(
            store if projection.name in READS_PERSONAL_DATA else stored,
            settings.resolved_database_url,
            projection,
            cache=cache,
            publisher=publisher,
            batch_size=settings.projection_batch_size,
            standby_retry_seconds=settings.projection_standby_retry_seconds,
        )
        for projection in PROJECTIONS
    ]


def read_model_verification(
    store: EventStore, database_url: str, *, progress: Callable[[RebuildProgress], None] | None = None
) -> ReadModelVerification:
    """`audit verify` and `verifyProjection`: every projection's read model against the log."""
    return ReadModelVerification(ScratchRebuilds(store, database_url, progress=progress))


async def projector_cache_from(settings: Settings) -> Cache | None:
    """The cache a projector process invalidates: the shared Redis, if any (another process's memory is
    out of reach)."""
    if settings.redis_url is None:
        return None
    from adapters.redis.cache import RedisCache

    return await RedisCache.connect(
        settings.redis_url, prefix=settings.redis_key_prefix, timeout_seconds=settings.redis_timeout_seconds
    )


async def redis_pubsub_from(settings: Settings) -> PubSub | None:
    """The Redis pub/sub every replica shares, if Redis is configured (the projector announces plan
    changes on it)."""
    if settings.redis_url is None:
        return None
    from adapters.redis.pubsub import RedisPubSub

    return await RedisPubSub.connect(
        settings.redis_url,
        prefix=settings.redis_key_prefix,
        timeout_seconds=settings.redis_timeout_seconds,
        max_pending=settings.pubsub_max_pending,
    )


async def migrate_all(database_url: str) -> None:
    """Create or upgrade every PostgreSQL schema: event store, auth, audit seals, data keys, projections.
    Idempotent and safe to run from several processes at once (each step takes an advisory lock)."""
    from adapters.postgres.audit_schema import migrate_audit
    from adapters.postgres.auth_schema import migrate_auth
    from adapters.postgres.privacy_schema import migrate_privacy
    from adapters.postgres.schema import migrate
    from projections.schema import migrate as migrate_projections

    await migrate(database_url)
    await migrate_auth(database_url)
    await migrate_audit(database_url)
    await migrate_privacy(database_url)
    await migrate_projections(database_url)
