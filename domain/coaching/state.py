"""A coaching session's state and how events change it (`evolve`, `fold`). Decisions are in
`domain.coaching.decision`.

The state keeps what decisions need, not the conversation: which messages wait for a reply, the live
claim, the suggestions still open. The texts are in the events and the `ai.coaching_messages` read model.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime
from uuid import UUID

from domain.coaching.events import (
    CoachingEvent,
    CoachingSessionEnded,
    CoachingSessionStarted,
    CoachReplyCompleted,
    CoachReplyFailed,
    CoachReplyLeaseRenewed,
    CoachReplyStarted,
    SafetyTriggered,
    SuggestionAccepted,
    SuggestionRejected,
    UserMessageSent,
)
from domain.coaching.reply_ids import reply_id_for
from domain.coaching.values import Personality, Suggestion


@dataclass(frozen=True, slots=True)
class WaitingMessage:
    message_id: UUID
    reply_id: UUID
    """The reply every claim of the message generates."""
    attempts: int = 0
    """How many claims it has had."""


@dataclass(frozen=True, slots=True)
class ReplyClaim:
    reply_id: UUID
    message_id: UUID
    attempt: int
    lease_until: datetime
    renewed_at: datetime
    """When the claim was made or last renewed."""


@dataclass(frozen=True, slots=True)
class Decided:
    """A suggestion's outcome: accepted into `plan_version` of `plan_id`, or rejected (both None)."""

    plan_id: UUID | None
    plan_version: int | None


@dataclass(frozen=True, slots=True, kw_only=True)
class CoachingSession:
    session_id: UUID
    user_id: UUID
    personality: Personality
    plan_id: UUID | None
    started_at: datetime
    updated_at: datetime
    ended: bool = False
    message_count: int = 0
    waiting: tuple[WaitingMessage, ...] = ()
    """Messages without a reply yet, oldest first: the coach answers them in order."""
    claim: ReplyClaim | None = None
    client_message_ids: frozenset[str] = frozenset()
    suggestions: tuple[Suggestion, ...] = ()
    """Every suggestion the replies made, in order."""
    decided: tuple[tuple[UUID, Decided], ...] = ()

    def suggestion(self, suggestion_id: UUID) -> Suggestion | None:
        return next((s for s in self.suggestions if s.suggestion_id == suggestion_id), None)

    def decision_on(self, suggestion_id: UUID) -> Decided | None:
        return next((d for sid, d in self.decided if sid == suggestion_id), None)


def evolve(state: CoachingSession | None, event: CoachingEvent) -> CoachingSession | None:
    """Apply one event. Total: an event that does not apply to `state` leaves it unchanged."""
    if isinstance(event, CoachingSessionStarted):
        if state is not None:
            return state
        return CoachingSession(
            session_id=event.session_id,
            user_id=event.user_id,
            personality=event.personality,
            plan_id=event.plan_id,
            started_at=event.at,
            updated_at=event.at,
        )
    if state is None or event.session_id != state.session_id:
        return state
    if isinstance(event, CoachReplyLeaseRenewed):
        return _renewed(state, event)  # a worker's heartbeat, not an update of the session
    state = replace(state, updated_at=event.at)
    match event:
        case UserMessageSent():
            client_ids = state.client_message_ids
            if event.client_message_id is not None:
                client_ids = client_ids | {event.client_message_id}
            reply_id = event.reply_id or reply_id_for(event.message_id)  # v1: given by the next claim
            return replace(
                state,
                message_count=state.message_count + 1,
                waiting=(*state.waiting, WaitingMessage(event.message_id, reply_id)),
                client_message_ids=client_ids,
            )
        case CoachReplyStarted():
            waiting = tuple(
                replace(message, attempts=event.attempt)
                if message.message_id == event.message_id
                else message
                for message in state.waiting
            )
            claim = ReplyClaim(event.reply_id, event.message_id, event.attempt, event.lease_until, event.at)
            return replace(state, waiting=waiting, claim=claim)
        case CoachReplyCompleted():
            return replace(
                _answered(state, event.message_id),
                suggestions=(*state.suggestions, *event.suggestions),
            )
        case CoachReplyFailed():
            return _answered(state, event.message_id)
        case SuggestionAccepted():
            outcome = Decided(event.plan_id, event.plan_version)
            return replace(state, decided=(*state.decided, (event.suggestion_id, outcome)))
        case SuggestionRejected():
            return replace(state, decided=(*state.decided, (event.suggestion_id, Decided(None, None))))
        case CoachingSessionEnded():
            return replace(state, ended=True)
        case SafetyTriggered():
            return state
    return state


def _renewed(state: CoachingSession, event: CoachReplyLeaseRenewed) -> CoachingSession:
    claim = state.claim
    if claim is None or (claim.reply_id, claim.attempt) != (event.reply_id, event.attempt):
        return state
    return replace(state, claim=replace(claim, lease_until=event.lease_until, renewed_at=event.at))


def _answered(state: CoachingSession, message_id: UUID) -> CoachingSession:
    waiting = tuple(message for message in state.waiting if message.message_id != message_id)
    claim = None if state.claim is not None and state.claim.message_id == message_id else state.claim
    return replace(state, waiting=waiting, claim=claim)


def fold(events: Iterable[CoachingEvent], state: CoachingSession | None = None) -> CoachingSession | None:
    for event in events:
        state = evolve(state, event)
    return state
