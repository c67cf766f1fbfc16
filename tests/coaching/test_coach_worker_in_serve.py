"""The coach worker inside the API process (the default): started with the app, it answers a message
written to the log with the offline coach (no key set), and `/metrics` shows its counters; off when
`FITCOACH_COACH_WORKER_IN_PROCESS` is false."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import httpx

from application.handler import CommandHandler, CommandMetadata
from domain.coaching import coaching_stream, decode
from domain.coaching.commands import SendUserMessage, StartCoachingSession
from domain.coaching.decider import COACHING
from domain.coaching.events import CoachReplyCompleted
from domain.coaching.values import Personality
from domain.users.commands import RegisterUser
from domain.users.decider import USERS
from tests.adapters.api_ports.redis_server import eventually
from tests.api.server import fresh_database, running_api, test_settings


async def test_the_api_process_runs_the_coach_worker_and_exposes_its_metrics() -> None:
    async with fresh_database() as url:
        settings = test_settings(url, coach_worker_in_process=True, coach_sweep_seconds=0.5)
        async with running_api(settings) as running:
            assert running.api.coach_worker is not None
            store = running.api.core.store
            user_id, session_id = uuid.uuid4(), uuid.uuid4()
            metadata = CommandMetadata(command_id=uuid.uuid4(), correlation_id=uuid.uuid4(), user_id=user_id)
            now = datetime.now(UTC)
            await CommandHandler(store, USERS, vault=store.vault).handle(
                RegisterUser(
                    user_id=user_id,
                    email="serve@example.com",
                    password_hash="$argon2id$unused",
                    display_name="Serve",
                    at=now,
                ),
                metadata,
            )
            coaching = CommandHandler(store, COACHING, vault=store.vault)
            start = StartCoachingSession(
                session_id=session_id,
                user_id=user_id,
                personality=Personality.MOTIVATOR,
                plan_id=None,
                at=now,
            )
            await coaching.handle(start, CommandMetadata(uuid.uuid4(), uuid.uuid4(), user_id=user_id))
            send = SendUserMessage(
                session_id=session_id,
                message_id=uuid.uuid4(),
                text="I'm dying to try deadlifts, how do I warm up?",
                client_message_id="c-1",
                at=now,
            )
            await coaching.handle(send, CommandMetadata(uuid.uuid4(), uuid.uuid4(), user_id=user_id))

            async def answered() -> list[CoachReplyCompleted]:
                recorded = await store.read_stream(coaching_stream(session_id))
                events = [decode(r.type, r.schema_version, r.data) for r in recorded]
                return [e for e in events if isinstance(e, CoachReplyCompleted)]

            assert await eventually(answered, attempts=300)
            [reply] = await answered()
            assert reply.usage.provider == "offline"  # no key in the settings: the offline coach
            assert reply.safety_action is None  # gym talk trips nothing
            async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{running.port}") as client:
                metrics = (await client.get("/metrics")).text
            assert (
                'ai_request_duration_seconds_count{model="fitcoach-offline-1",personality="motivator"'
                in metrics
            )


async def test_the_worker_stays_out_of_the_api_process_when_turned_off() -> None:
    async with (
        fresh_database() as url,
        running_api(test_settings(url, coach_worker_in_process=False)) as running,
    ):
        assert running.api.coach_worker is None
