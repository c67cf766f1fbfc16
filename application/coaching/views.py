"""Reading the AI coach's conversations: the views of the `coaching` projection's read models
(`ai.coaching_sessions`, `ai.coaching_messages`, `ai.coach_usage`) and the `CoachingReadModel` port.

The read models lag the event log by the projection's lag (checkpoint `COACHING_PROJECTION`). Texts are
the user's own words and the coach's replies: left out of `repr`, so a view in a log shows none.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any, Protocol
from uuid import UUID

from application.plan_views import ExerciseView
from domain.coaching import CoachingSession
from domain.coaching.values import SafetyTrigger

COACHING_PROJECTION = "coaching"


@dataclass(frozen=True, slots=True)
class CoachingSessionView:
    id: UUID
    user_id: UUID
    personality: str
    plan_id: UUID | None
    status: str
    """active or ended."""
    message_count: int
    """The user's messages (replies not counted)."""
    started_at: datetime
    updated_at: datetime
    ended_at: datetime | None
    version: int
    """The session stream's version the row was built from."""
    last_position: int
    """Global position of the last event applied to this session."""


def session_view_of(state: CoachingSession, version: int, position: int) -> CoachingSessionView:
    """The read model's row of a session as folded from its stream, up to `version`."""
    return CoachingSessionView(
        id=state.session_id,
        user_id=state.user_id,
        personality=state.personality.value,
        plan_id=state.plan_id,
        status="ended" if state.ended else "active",
        message_count=state.message_count,
        started_at=state.started_at,
        updated_at=state.updated_at,
        ended_at=state.updated_at if state.ended else None,
        version=version,
        last_position=position,
    )


@dataclass(frozen=True, slots=True)
class SuggestionView:
    suggestion_id: UUID
    kind: str
    """A `SuggestionKind` value: add_exercise, replace_exercise, remove_exercise, update_exercise or
    reorder_exercises."""
    exercise: ExerciseView | None
    """What to add, what to put in place of `replaces`, or the exercise as an update makes it; None for
    a removal and a reordering."""
    replaces: str | None
    """The plan exercise a replacement, update or removal is about."""
    order: tuple[str, ...]
    """A reordering's plan exercise ids in the new order; () for the other kinds."""
    based_on_version: int | None
    """The plan's stream version the suggestion was made against (None if the reply had no plan, or was
    recorded before it was kept)."""
    reason: str
    status: str
    """open, accepted or rejected."""
    plan_id: UUID | None
    plan_version: int | None
    """The plan version the accepted suggestion produced."""
    rejection_reason: str | None
    decided_at: datetime | None

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SuggestionView:
        """From the read model's document; rows projected before updates and reorders lack `order` and
        `against`."""
        exercise, plan_id, decided_at = data["exercise"], data["plan_id"], data["decided_at"]
        against = data.get("against")
        return cls(
            suggestion_id=UUID(data["suggestion_id"]),
            kind=data["kind"],
            exercise=None if exercise is None else ExerciseView.from_json(exercise),
            replaces=data["replaces"],
            order=tuple(data.get("order") or ()),
            based_on_version=None if against is None else int(against["version"]),
            reason=data["reason"],
            status=data["status"],
            plan_id=None if plan_id is None else UUID(plan_id),
            plan_version=data["plan_version"],
            rejection_reason=data["rejection_reason"],
            decided_at=None if decided_at is None else datetime.fromisoformat(decided_at),
        )


@dataclass(frozen=True, slots=True)
class CoachingMessageView:
    """A user message (`role` user; status waiting, answered or failed) or a coach reply (`role`
    coach; status waiting until claimed, generating, completed or failed). Reply fields are None on user
    messages."""

    id: UUID
    session_id: UUID
    user_id: UUID
    role: str
    text: str = field(repr=False)
    """A reply's text is empty until it completes (its deltas are not in the read model)."""
    status: str
    in_reply_to: UUID | None
    provider: str | None
    """Who answered (after any fallback) once completed; who claimed it before."""
    model: str | None
    attempt: int | None
    suggestions: tuple[SuggestionView, ...]
    safety_action: str | None
    """The most drastic action the safety layer took on the exchange."""
    safety_notes: tuple[str, ...]
    confidence: float | None
    input_tokens: int | None
    output_tokens: int | None
    latency_ms: int | None
    failure_cause: str | None
    """e.g. provider_error, session_ended, or lease_expired for a claim (recorded before replies had ids
    at once) another worker took over."""
    created_at: datetime
    completed_at: datetime | None
    position: int
    """The log position of the event that created the message. A reply created with its user message
    (sent since replies have ids at once) shares the message's position."""
    safety: tuple[SafetyTrigger, ...] = ()
    """A reply's safety triggers, before and after the model, in the order recorded (`ai.safety_triggers`);
    () for a user message and a reply without any."""

    @property
    def order(self) -> int:
        """Where the message is among its session's messages, and its cursor: by position, a user message
        before the reply that shares its position."""
        return self.position * 2 + (self.role == "coach")


@dataclass(frozen=True, slots=True)
class CoachUsageView:
    user_id: UUID
    day: date
    """A UTC day."""
    input_tokens: int
    output_tokens: int
    replies: int
    """Completed replies (failed ones are not counted)."""


@dataclass(frozen=True, slots=True)
class SessionCursor:
    """Where a page of a user's sessions ended: newest started first, then by id."""

    started_at: datetime
    session_id: UUID


@dataclass(frozen=True, slots=True)
class SessionPage:
    sessions: tuple[CoachingSessionView, ...]
    next: SessionCursor | None
    """None on the last page."""


@dataclass(frozen=True, slots=True)
class MessagePage:
    messages: tuple[CoachingMessageView, ...]
    next: int | None
    """The `after` of the next page (the last message's `order`); None on the last page."""


class CoachingReadModel(Protocol):
    async def sessions_of(
        self, user_id: UUID, *, limit: int, after: SessionCursor | None = None
    ) -> SessionPage:
        """Up to `limit` (1..MAX_PAGE_SIZE, else InvalidPageSize) of the user's sessions after the
        cursor, newest first."""
        ...

    async def session(self, session_id: UUID) -> CoachingSessionView | None: ...

    async def messages(self, session_id: UUID, *, limit: int, after: int | None = None) -> MessagePage:
        """Up to `limit` (1..MAX_PAGE_SIZE, else InvalidPageSize) of the session's messages with an
        `order` above `after`, in order (keyset on `order`)."""
        ...

    async def message(self, message_id: UUID) -> CoachingMessageView | None:
        """A user message or a coach reply by its id (for `node(id)`)."""
        ...

    async def usage(self, user_id: UUID, day: date) -> CoachUsageView:
        """The user's usage on a UTC day; zeros for a day without replies."""
        ...

    async def waiting_sessions(self, *, limit: int) -> tuple[UUID, ...]:
        """Up to `limit` active sessions with a user message still waiting for its reply, the longest
        waiting first (the coach worker's sweep: unclaimed messages and claims whose worker died). An
        ended session is left out: nothing can claim its messages any more."""
        ...
