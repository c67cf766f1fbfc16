"""What the coach worker's tests run on: a migrated database of their own on the real PostgreSQL with the
projections running, Redis (pub/sub, the chat feed and the cache, under a unique key prefix), users and
sessions written
through the real command path, and Claude's stand-in on a real socket (`anthropic_server`)."""

from __future__ import annotations

import asyncio
import contextlib
import uuid
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

import anthropic
import psycopg

from adapters.anthropic.coach_model import AnthropicCoachModel
from adapters.exercise_data.parse import shipped_library
from adapters.postgres.coaching_read_model import PostgresCoachingReadModel
from adapters.postgres.library_read_model import PostgresLibraryReadModel
from adapters.postgres.plan_read_model import PostgresPlanReadModel
from adapters.postgres.store import PostgresEventStore
from adapters.redis.cache import RedisCache
from adapters.redis.chat_feed import RedisChatFeed
from adapters.redis.pubsub import RedisPubSub
from application.coaching.admission import STARTING_AT_ONCE
from application.coaching.chat_feed import ChatEntry, ChatEntryKind, ChatFeed, FeedCursor
from application.coaching.context import CoachContextBuilder
from application.coaching.fallback import FallbackCoachModel
from application.coaching.generation import ReplyGenerator, ReplyPolicy
from application.coaching.metrics import CoachMetrics, NoCoachMetrics
from application.coaching.model import CoachModel
from application.coaching.offline_coach import OfflineCoachModel
from application.handler import CommandHandler, CommandMetadata
from application.library_import import LibraryImport
from application.library_views import LIBRARY_PROJECTION
from application.privacy.opened_store import OpenedEventStore
from domain.actor import Actor
from domain.coaching import coaching_stream, decode
from domain.coaching.commands import SendUserMessage, StartCoachingSession
from domain.coaching.decider import COACHING
from domain.coaching.events import CoachingEvent
from domain.coaching.values import Personality
from domain.library.decider import LIBRARY
from domain.plans.commands import AddExercise, CreateWorkoutPlan
from domain.plans.decider import WORKOUT_PLANS
from domain.plans.values import Difficulty, PlannedExercise
from domain.users.commands import ProfileChanges, RegisterUser, UpdateProfile
from domain.users.decider import USERS
from projections.registry import PROJECTIONS
from projections.runner import ProjectionRunner
from tests.adapters.api_ports.redis_server import REDIS_URL, delete_prefixed, eventually, unique_prefix
from tests.coaching.anthropic_server import AnthropicStandIn
from tests.privacy_support import opened_on_postgres
from tests.projections.conftest import Runners, projector_database


@dataclass
class Coach:
    url: str
    store: OpenedEventStore
    pubsub: RedisPubSub
    feed: RedisChatFeed
    cache: RedisCache
    read_model: PostgresCoachingReadModel
    plans: PostgresPlanReadModel
    stand_in: AnthropicStandIn
    redis_prefix: str
    library: PostgresLibraryReadModel

    @property
    def handler(self) -> CommandHandler[Any, Any, Any]:
        return CommandHandler(self.store, COACHING, vault=self.store.vault)

    def claude(self, model: str = "claude-test") -> AnthropicCoachModel:
        client = anthropic.AsyncAnthropic(api_key="test-key", base_url=self.stand_in.url, max_retries=0)

        async def no_wait(seconds: float) -> None:
            pass

        return AnthropicCoachModel(client, model, max_attempts=1, sleep=no_wait)

    def generator(
        self,
        *,
        links: Sequence[CoachModel] | None = None,
        chain: FallbackCoachModel | None = None,
        policy: ReplyPolicy | None = None,
        metrics: CoachMetrics | None = None,
        clock: Callable[[], datetime] | None = None,
        handler: CommandHandler[Any, Any, Any] | None = None,
        starting_at_once: int = STARTING_AT_ONCE,
    ) -> ReplyGenerator:
        offline = OfflineCoachModel()
        metrics = metrics or NoCoachMetrics()
        chain = chain or FallbackCoachModel(links if links is not None else (self.claude(), offline), metrics)
        extra: dict[str, Any] = {} if clock is None else {"clock": clock}
        return ReplyGenerator(
            store=self.store,
            handler=handler or self.handler,
            context=CoachContextBuilder(self.store, self.plans, self.library),
            model=chain,
            offline=offline,
            feed=self.feed,
            cache=self.cache,
            usage=self.read_model,
            library=self.library,
            metrics=metrics,
            policy=policy or ReplyPolicy(),
            starting_at_once=starting_at_once,
            **extra,
        )

    async def user(self, *, injuries: Sequence[str] = (), equipment: Sequence[str] = ()) -> UUID:
        user_id = uuid.uuid4()
        users = CommandHandler(self.store, USERS, vault=self.store.vault)
        await users.handle(
            RegisterUser(
                user_id=user_id,
                email=f"{user_id.hex[:10]}@example.com",
                password_hash="$argon2id$not-used",
                display_name="Test User",
                at=datetime.now(UTC),
            ),
            _metadata(user_id),
        )
        changes = ProfileChanges(injuries=tuple(injuries), available_equipment=tuple(equipment))
        await users.handle(
            UpdateProfile(user_id=user_id, changes=changes, at=datetime.now(UTC)), _metadata(user_id)
        )
        return user_id

    async def session(
        self, user_id: UUID, personality: Personality = Personality.CALM, *, plan_id: UUID | None = None
    ) -> UUID:
        session_id = uuid.uuid4()
        command = StartCoachingSession(
            session_id=session_id,
            user_id=user_id,
            personality=personality,
            plan_id=plan_id,
            at=datetime.now(UTC),
        )
        await self.handler.handle(command, _metadata(user_id))
        return session_id

    async def plan(self, owner_id: UUID, name: str, exercise_ids: Sequence[str]) -> UUID:
        """A plan of the owner's with the library's exercises, once the plans projection shows it."""
        plan_id = uuid.uuid4()
        plans = CommandHandler(self.store, WORKOUT_PLANS)
        commands: list[Any] = [
            CreateWorkoutPlan(
                plan_id=plan_id,
                owner_id=owner_id,
                name=name,
                description="",
                difficulty=Difficulty.BEGINNER,
                duration_minutes=45,
                actor=Actor.USER,
                at=datetime.now(UTC),
            )
        ]
        views = await self.library.exercises(list(exercise_ids))
        for exercise_id in exercise_ids:
            exercise = PlannedExercise(
                exercise_id=exercise_id,
                name=views[exercise_id].name,
                sets=3,
                reps=10,
                weight_kg=20.0,
                rest_seconds=90,
            )
            commands.append(
                AddExercise(plan_id=plan_id, exercise=exercise, actor=Actor.USER, at=datetime.now(UTC))
            )
        position = 0
        for command in commands:
            position = (await plans.handle(command, _metadata(owner_id))).position
        await _caught_up(self.url, "workout_plans", position)
        return plan_id

    async def update_profile(self, user_id: UUID, changes: ProfileChanges) -> None:
        users = CommandHandler(self.store, USERS, vault=self.store.vault)
        await users.handle(
            UpdateProfile(user_id=user_id, changes=changes, at=datetime.now(UTC)), _metadata(user_id)
        )

    async def send(self, session_id: UUID, text: str) -> tuple[UUID, int]:
        """The message's id and the global position of its event."""
        message_id = uuid.uuid4()
        command = SendUserMessage(
            session_id=session_id,
            message_id=message_id,
            text=text,
            client_message_id=None,
            at=datetime.now(UTC),
        )
        result = await self.handler.handle(command, _metadata(None))
        return message_id, result.position

    async def events(self, session_id: UUID) -> list[CoachingEvent]:
        recorded = await self.store.read_stream(coaching_stream(session_id))
        return [decode(r.type, r.schema_version, r.data) for r in recorded]

    async def projected(self, position: int) -> None:
        """Wait until the coaching projection has applied `position`."""
        await _caught_up(self.url, "coaching", position)


def _metadata(user_id: UUID | None) -> CommandMetadata:
    command_id = uuid.uuid4()
    return CommandMetadata(command_id=command_id, correlation_id=command_id, user_id=user_id)


@dataclass
class CoachDatabase:
    url: str
    store: OpenedEventStore


@contextlib.asynccontextmanager
async def coach_database() -> AsyncIterator[CoachDatabase]:
    """A migrated database holding the shipped library, with every projection running."""
    async with projector_database() as url:
        store = await opened_on_postgres(await PostgresEventStore.connect(url, max_size=8), url)
        runners = Runners()
        try:
            await LibraryImport(store, CommandHandler(store, LIBRARY)).run(shipped_library())
            for projection in PROJECTIONS:
                runners.start(ProjectionRunner(store, url, projection))
            await _caught_up(url, LIBRARY_PROJECTION, await store.current_position())
            yield CoachDatabase(url, store)
        finally:
            await runners.stop_all()
            await store.close()


@contextlib.asynccontextmanager
async def coach_on_real_servers(database: CoachDatabase) -> AsyncIterator[Coach]:
    """Fresh Redis keys, read models and Claude's stand-in over the shared database."""
    prefix = unique_prefix()
    pubsub = await RedisPubSub.connect(REDIS_URL, prefix=prefix)
    feed = await RedisChatFeed.connect(REDIS_URL, pubsub, prefix=prefix, maxlen=1000, ttl_seconds=600)
    cache = await RedisCache.connect(REDIS_URL, prefix=prefix)
    read_model = await PostgresCoachingReadModel.connect(database.url, max_size=2)
    plans = await PostgresPlanReadModel.connect(database.url, max_size=2)
    library = await PostgresLibraryReadModel.connect(database.url, max_size=2)
    stand_in = AnthropicStandIn()
    stand_in.start()
    try:
        yield Coach(
            database.url, database.store, pubsub, feed, cache, read_model, plans, stand_in, prefix, library
        )
    finally:
        stand_in.stop()
        for closeable in (library, plans, read_model, cache, feed, pubsub):
            await closeable.close()
        await delete_prefixed(REDIS_URL, prefix)


async def _caught_up(url: str, name: str, position: int) -> None:
    async def reached() -> bool:
        async with await psycopg.AsyncConnection.connect(url) as connection:
            cursor = await connection.execute(
                "SELECT position FROM projections.checkpoints WHERE name = %s", (name,)
            )
            row = await cursor.fetchone()
        return row is not None and row[0] >= position

    assert await eventually(reached, attempts=600), f"the {name} projection did not catch up"


async def feed_entries(
    feed: ChatFeed, session_id: UUID, after: FeedCursor, until: ChatEntryKind, within: float = 10.0
) -> list[ChatEntry]:
    """The session's chat entries after `after`, up to the first of kind `until` (the feed keeps them, so
    this may run after the reply was written)."""
    entries: list[ChatEntry] = []
    async with asyncio.timeout(within), feed.follow(session_id, after) as items:
        async for item in items:
            entries.append(item.entry)
            if item.entry.kind is until:
                return entries
    raise AssertionError(f"the feed ended before a {until} entry: {entries}")


def kinds(entries: list[ChatEntry]) -> list[ChatEntryKind]:
    return [entry.kind for entry in entries]


def deltas(entries: list[ChatEntry]) -> list[ChatEntry]:
    return [entry for entry in entries if entry.kind is ChatEntryKind.DELTA]
