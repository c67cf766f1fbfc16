"""The audited log, written once per module through the real command path into a throwaway PostgreSQL
database: a plan changed by its owner and by the coach, a user who registered and changed their profile and
password, and a coaching session whose suggestion was accepted into the plan (one correlation id)."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from adapters.postgres.store import PostgresEventStore
from application.handler import CommandHandler, CommandMetadata
from application.privacy.opened_store import OpenedEventStore
from domain.actor import Actor
from domain.coaching.commands import (
    AcceptSuggestion,
    ClaimReply,
    CompleteReply,
    SendUserMessage,
    StartCoachingSession,
)
from domain.coaching.decider import COACHING
from domain.coaching.reply_ids import reply_id_for
from domain.coaching.values import Personality, ReplyUsage, Suggestion, SuggestionKind
from domain.plans.commands import (
    AddExercise,
    ArchiveWorkoutPlan,
    CreatePlanVersion,
    CreateWorkoutPlan,
    ExerciseChanges,
    PlanCommand,
    RemoveExercise,
    RenameWorkoutPlan,
    ReorderExercises,
    UpdateExercise,
)
from domain.plans.decider import WORKOUT_PLANS
from domain.plans.values import Difficulty, PlannedExercise
from domain.users.commands import ChangePassword, ProfileChanges, RegisterUser, UpdateProfile
from domain.users.decider import USERS
from tests.privacy_support import opened_on_postgres
from tests.projections import migrated_database

PASSWORD_HASH = "$argon2id$v=19$m=65536,t=3,p=4$YXVkaXRzYWx0$YXVkaXRoYXNodmFsdWU"
NEW_PASSWORD_HASH = "$argon2id$v=19$m=65536,t=3,p=4$bmV3c2FsdA$bmV3aGFzaHZhbHVl"
EMAIL = "grace.hopper@example.org"


def planned(exercise_id: str, sets: int = 3) -> PlannedExercise:
    return PlannedExercise(exercise_id, exercise_id.replace("_", " "), sets, 10, 40.0, 90)


@dataclass(frozen=True)
class AuditedLog:
    url: str
    store: OpenedEventStore
    plan_id: UUID
    user_id: UUID
    session_id: UUID
    accept_correlation: UUID
    suggestion_id: UUID
    plan_events_before_accept: int


def metadata(user_id: UUID, correlation_id: UUID | None = None) -> CommandMetadata:
    command_id = uuid.uuid4()
    return CommandMetadata(
        command_id=command_id, correlation_id=correlation_id or command_id, user_id=user_id
    )


@pytest.fixture(scope="module")
async def audited() -> AsyncIterator[AuditedLog]:
    async with migrated_database("fitcoach_audit") as url:
        store = await opened_on_postgres(await PostgresEventStore.connect(url, max_size=4), url)
        try:
            yield await write_log(url, store)
        finally:
            await store.close()


async def write_log(url: str, store: OpenedEventStore) -> AuditedLog:
    plans = CommandHandler(store, WORKOUT_PLANS)
    users = CommandHandler(store, USERS, vault=store.vault)
    coaching = CommandHandler(store, COACHING, vault=store.vault)
    user_id, plan_id, session_id = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    now = datetime.now(UTC)

    await users.handle(
        RegisterUser(user_id=user_id, email=EMAIL, password_hash=PASSWORD_HASH, display_name="Grace", at=now),
        metadata(user_id),
    )
    await users.handle(
        UpdateProfile(
            user_id=user_id, changes=ProfileChanges(weight_kg=62.0, injuries=("left knee",)), at=now
        ),
        metadata(user_id),
    )
    await users.handle(
        ChangePassword(user_id=user_id, password_hash=NEW_PASSWORD_HASH, at=now), metadata(user_id)
    )

    plan_commands: list[PlanCommand] = [
        CreateWorkoutPlan(
            plan_id=plan_id,
            owner_id=user_id,
            name="Strength A",
            description="Three lifts",
            difficulty=Difficulty.INTERMEDIATE,
            duration_minutes=50,
            actor=Actor.USER,
            at=now,
        ),
        AddExercise(plan_id=plan_id, exercise=planned("Barbell_Squat", 5), actor=Actor.USER, at=now),
        AddExercise(plan_id=plan_id, exercise=planned("Bench_Press"), actor=Actor.USER, at=now),
        AddExercise(plan_id=plan_id, exercise=planned("Barbell_Row"), actor=Actor.USER, at=now),
        RenameWorkoutPlan(plan_id=plan_id, name="Strength A+", actor=Actor.AI_COACH, at=now),
        UpdateExercise(
            plan_id=plan_id,
            exercise_id="Barbell_Squat",
            changes=ExerciseChanges(sets=4, notes="pause at the bottom"),
            actor=Actor.USER,
            at=now,
        ),
        ReorderExercises(
            plan_id=plan_id,
            exercise_ids=("Bench_Press", "Barbell_Squat", "Barbell_Row"),
            actor=Actor.USER,
            at=now,
        ),
        CreatePlanVersion(plan_id=plan_id, change_description="Week 1", actor=Actor.USER, at=now),
        RemoveExercise(plan_id=plan_id, exercise_id="Barbell_Row", actor=Actor.USER, at=now),
    ]
    for plan_command in plan_commands:
        await plans.handle(replace(plan_command, at=datetime.now(UTC)), metadata(user_id))

    suggestion = Suggestion(
        suggestion_id=uuid.uuid4(),
        kind=SuggestionKind.ADD_EXERCISE,
        exercise=planned("Romanian_Deadlift"),
        reason="hinge work",
    )
    message_id = uuid.uuid4()
    reply_id = reply_id_for(message_id)
    for command in (
        StartCoachingSession(
            session_id=session_id, user_id=user_id, personality=Personality.CALM, plan_id=plan_id, at=now
        ),
        SendUserMessage(
            session_id=session_id,
            message_id=message_id,
            text="What should I add?",
            client_message_id=None,
            at=now,
        ),
        ClaimReply(
            session_id=session_id,
            message_id=message_id,
            provider="offline",
            model="test-coach",
            lease_until=now + timedelta(seconds=60),
            at=now,
        ),
        CompleteReply(
            session_id=session_id,
            reply_id=reply_id,
            attempt=1,
            text="Add a hinge.",
            suggestions=(suggestion,),
            triggers=(),
            confidence=0.8,
            usage=ReplyUsage(provider="offline", model="test-coach", input_tokens=10, output_tokens=5),
            at=now,
        ),
    ):
        await coaching.handle(command, metadata(user_id))

    # What accepting the suggestion writes (`SuggestionAcceptance`): the plan's steps by the coach, then the
    # session's record, all under the accept's correlation id.
    before_accept = len(await store.read_stream(f"workout-{plan_id}"))
    accept = uuid.uuid4()
    await plans.handle(
        AddExercise(plan_id=plan_id, exercise=planned("Romanian_Deadlift"), actor=Actor.AI_COACH, at=now),
        metadata(user_id, accept),
    )
    saved = await plans.handle(
        CreatePlanVersion(plan_id=plan_id, change_description="Coach: hinge", actor=Actor.AI_COACH, at=now),
        metadata(user_id, accept),
    )
    version = saved.state.latest_version  # type: ignore[attr-defined]
    await coaching.handle(
        AcceptSuggestion(
            session_id=session_id,
            suggestion_id=suggestion.suggestion_id,
            plan_id=plan_id,
            plan_version=version,
            at=now,
        ),
        metadata(user_id, accept),
    )
    await plans.handle(ArchiveWorkoutPlan(plan_id=plan_id, actor=Actor.USER, at=now), metadata(user_id))
    return AuditedLog(
        url, store, plan_id, user_id, session_id, accept, suggestion.suggestion_id, before_accept
    )
