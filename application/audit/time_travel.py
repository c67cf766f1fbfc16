"""An aggregate as it was at a stream version or a moment: its stream's first events folded with its
decider's own `decode` (upcasters included) and `evolve`, shown as its read model shows it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from application.audit.errors import NotAnAggregate
from application.audit.records import AuditRecord, audit_record
from application.audit.streams import PointInTime, events_until
from application.coaching.views import CoachingSessionView, session_view_of
from application.eventstore import EventStore, RecordedEvent
from application.plan_commands import plan_view_of, versions_of
from application.plan_views import PlanView, VersionView
from application.user_reads import UserView, user_view_of
from domain.coaching import CoachingSession, coaching_stream
from domain.coaching.decider import COACHING
from domain.decider import Decider
from domain.plans import Plan
from domain.plans.decider import WORKOUT_PLANS
from domain.plans.streams import plan_stream
from domain.users import AbandonedRegistration, ForgottenUser, User, user_stream
from domain.users.decider import USERS

S = TypeVar("S")


@dataclass(frozen=True, slots=True)
class PlanAt:
    plan: Plan
    view: PlanView
    versions: tuple[VersionView, ...]
    """The versions saved up to that point, oldest first."""
    last: AuditRecord
    """The last event folded in."""


@dataclass(frozen=True, slots=True)
class UserAt:
    view: UserView | None
    """None for a registration that was abandoned (`abandoned_at`) or a user forgotten (`forgotten_at`)."""
    abandoned_at: datetime | None
    last: AuditRecord
    forgotten_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class SuggestionAt:
    suggestion_id: UUID
    kind: str
    exercise_id: str | None
    """What it adds or puts in place; None for a removal."""
    replaces: str | None
    status: str
    """open, accepted or rejected."""
    plan_version: int | None
    """The plan version an accepted suggestion produced."""


@dataclass(frozen=True, slots=True)
class SessionAt:
    view: CoachingSessionView
    waiting_messages: int
    """User messages without a reply yet."""
    suggestions: tuple[SuggestionAt, ...]
    last: AuditRecord


class TimeTravel:
    def __init__(self, store: EventStore) -> None:
        self._store = store

    async def plan_at(self, plan_id: UUID, point: PointInTime) -> PlanAt:
        """Raises StreamNotFound, VersionOutOfRange, BeforeFirstEvent or NotAnAggregate."""
        events = await events_until(self._store, plan_stream(plan_id), point)
        plan = _fold(WORKOUT_PLANS, events)
        last = events[-1]
        return PlanAt(
            plan,
            plan_view_of(plan, last.stream_version, last.position),
            versions_of(plan),
            audit_record(last),
        )

    async def user_at(self, user_id: UUID, point: PointInTime) -> UserAt:
        events = await events_until(self._store, user_stream(user_id), point)
        state = _fold(USERS, events)
        last = events[-1]
        if isinstance(state, AbandonedRegistration):
            return UserAt(None, state.abandoned_at, audit_record(last))
        if isinstance(state, ForgottenUser):
            return UserAt(None, None, audit_record(last), forgotten_at=state.forgotten_at)
        assert isinstance(state, User)
        return UserAt(user_view_of(state, last.stream_version, last.position), None, audit_record(last))

    async def session_at(self, session_id: UUID, point: PointInTime) -> SessionAt:
        events = await events_until(self._store, coaching_stream(session_id), point)
        session = _fold(COACHING, events)
        last = events[-1]
        return SessionAt(
            session_view_of(session, last.stream_version, last.position),
            len(session.waiting),
            _suggestions(session),
            audit_record(last),
        )


def _fold(decider: Decider[Any, S, Any], events: Sequence[RecordedEvent]) -> S:
    state: S | None = None
    for event in events:
        state = decider.evolve(state, decider.decode(event.type, event.schema_version, event.data))
    if state is None:
        raise NotAnAggregate(events[0].stream)
    return state


def _suggestions(session: CoachingSession) -> tuple[SuggestionAt, ...]:
    suggestions = []
    for suggestion in session.suggestions:
        decided = session.decision_on(suggestion.suggestion_id)
        status = "open" if decided is None else "rejected" if decided.plan_version is None else "accepted"
        suggestions.append(
            SuggestionAt(
                suggestion_id=suggestion.suggestion_id,
                kind=suggestion.kind.value,
                exercise_id=None if suggestion.exercise is None else suggestion.exercise.exercise_id,
                replaces=suggestion.replaces,
                status=status,
                plan_version=None if decided is None else decided.plan_version,
            )
        )
    return tuple(suggestions)
