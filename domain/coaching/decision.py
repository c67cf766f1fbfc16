"""`decide`: what a command on a coaching session means, as events, or a DomainError. Pure: no clock."""

from __future__ import annotations

from typing import assert_never
from uuid import UUID

from domain import validation as common
from domain.coaching import validation
from domain.coaching.commands import (
    AcceptSuggestion,
    ClaimReply,
    CoachingCommand,
    CompleteReply,
    EndCoachingSession,
    FailReply,
    RejectSuggestion,
    RenewReplyLease,
    SendUserMessage,
    StartCoachingSession,
)
from domain.coaching.errors import (
    CoachingSessionAlreadyStarted,
    CoachingSessionEnded,
    CoachingSessionFull,
    CoachingSessionNotFound,
    ReplyAlreadyClaimed,
    ReplyAttemptsExhausted,
    ReplyLeaseExpired,
    ReplyNotClaimed,
    ReplyNotNeeded,
    SuggestionAlreadyDecided,
    TooManyPendingMessages,
    UnknownSuggestion,
)
from domain.coaching.events import (
    CoachingEvent,
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
from domain.coaching.events import CoachingSessionEnded as SessionEnded
from domain.coaching.reply_ids import reply_id_for
from domain.coaching.state import CoachingSession, Decided, ReplyClaim
from domain.coaching.values import most_drastic
from domain.errors import ValidationError
from domain.plans import validation as plan_validation

MAX_WAITING = 3
"""Messages that may wait for a reply at once (an offline client replays a few; more is a flood)."""
MAX_MESSAGES = 500
"""Messages in one session; past it the user starts a new one (keeps the state and the context bounded)."""
MAX_ATTEMPTS = 3
"""Claims a message gets (each after the previous lease ran out) before its reply is marked failed."""
RENEWALS_PER_LEASE = 3
"""A claim is renewed at most this many times per lease length: a renewal sooner than a third of the
lease after the claim (or the last renewal) changes nothing."""
SESSION_ENDED = "session_ended"
"""The failure cause of the replies still waiting (or being generated) when their session ended."""


def decide(command: CoachingCommand, state: CoachingSession | None) -> list[CoachingEvent]:
    """The events `command` produces on `state`; [] when it changes nothing. Raises DomainError if invalid."""
    common.moment("at", command.at)
    if isinstance(command, StartCoachingSession):
        return _start(command, state)
    if state is None:
        raise CoachingSessionNotFound(command.session_id)
    match command:
        case SendUserMessage():
            return _send(command, _open(state))
        case ClaimReply():
            return _claim(command, _open(state))
        case RenewReplyLease():
            return _renew(command, state)
        case CompleteReply():
            return _complete(command, state)
        case FailReply():
            claim = _claim_of(state, command)
            cause = validation.cause(command.cause)
            return [
                CoachReplyFailed(
                    session_id=state.session_id,
                    reply_id=claim.reply_id,
                    message_id=claim.message_id,
                    cause=cause,
                    at=command.at,
                )
            ]
        case AcceptSuggestion():
            plan_validation.integer("plan_version", command.plan_version, (1, 2**31 - 1))
            outcome = Decided(command.plan_id, command.plan_version)
            if _undecided(state, command.suggestion_id, outcome):
                return [
                    SuggestionAccepted(
                        session_id=state.session_id,
                        suggestion_id=command.suggestion_id,
                        plan_id=command.plan_id,
                        plan_version=command.plan_version,
                        at=command.at,
                    )
                ]
            return []
        case RejectSuggestion():
            reason = validation.reason(command.reason)
            if _undecided(state, command.suggestion_id, Decided(None, None)):
                return [
                    SuggestionRejected(
                        session_id=state.session_id,
                        suggestion_id=command.suggestion_id,
                        reason=reason,
                        at=command.at,
                    )
                ]
            return []
        case EndCoachingSession():
            return [] if state.ended else _end(command, state)
        case _:
            assert_never(command)


def _start(command: StartCoachingSession, state: CoachingSession | None) -> list[CoachingEvent]:
    if state is not None:
        same = (state.user_id, state.personality, state.plan_id) == (
            command.user_id,
            command.personality,
            command.plan_id,
        )
        if same:
            return []
        raise CoachingSessionAlreadyStarted(command.session_id)
    return [
        CoachingSessionStarted(
            session_id=command.session_id,
            user_id=command.user_id,
            personality=command.personality,
            plan_id=command.plan_id,
            at=command.at,
        )
    ]


def _open(state: CoachingSession) -> CoachingSession:
    if state.ended:
        raise CoachingSessionEnded(state.session_id)
    return state


def _send(command: SendUserMessage, state: CoachingSession) -> list[CoachingEvent]:
    text = validation.message(command.text)
    client_id = validation.client_message_id(command.client_message_id)
    if client_id is not None and client_id in state.client_message_ids:
        return []  # an offline client sending its queued message again
    if state.message_count >= MAX_MESSAGES:
        raise CoachingSessionFull(MAX_MESSAGES)
    if len(state.waiting) >= MAX_WAITING:
        raise TooManyPendingMessages(MAX_WAITING)
    return [
        UserMessageSent(
            session_id=state.session_id,
            message_id=command.message_id,
            reply_id=reply_id_for(command.message_id),
            text=text,
            client_message_id=client_id,
            at=command.at,
        )
    ]


def _claim(command: ClaimReply, state: CoachingSession) -> list[CoachingEvent]:
    provider = validation.label("provider", command.provider)
    model = validation.label("model", command.model)
    lease_until = validation.lease(command.lease_until, command.at)
    if not state.waiting or state.waiting[0].message_id != command.message_id:
        raise ReplyNotNeeded(command.message_id)
    if state.claim is not None and state.claim.lease_until > command.at:
        raise ReplyAlreadyClaimed(command.message_id)
    waiting = state.waiting[0]
    if waiting.attempts >= MAX_ATTEMPTS:
        raise ReplyAttemptsExhausted(command.message_id, waiting.attempts)
    return [
        CoachReplyStarted(
            session_id=state.session_id,
            reply_id=waiting.reply_id,
            message_id=command.message_id,
            provider=provider,
            model=model,
            attempt=waiting.attempts + 1,
            lease_until=lease_until,
            at=command.at,
        )
    ]


def _renew(command: RenewReplyLease, state: CoachingSession) -> list[CoachingEvent]:
    """Only a live claim is renewed: one whose lease ran out may be taken over at any moment."""
    claim = _claim_of(state, command)
    lease_until = validation.lease(command.lease_until, command.at)
    if claim.lease_until <= command.at:
        raise ReplyLeaseExpired(command.reply_id)
    too_soon = command.at < claim.renewed_at + (claim.lease_until - claim.renewed_at) / RENEWALS_PER_LEASE
    if too_soon or lease_until <= claim.lease_until:
        return []
    return [
        CoachReplyLeaseRenewed(
            session_id=state.session_id,
            reply_id=claim.reply_id,
            message_id=claim.message_id,
            attempt=claim.attempt,
            lease_until=lease_until,
            at=command.at,
        )
    ]


def _claim_of(state: CoachingSession, command: RenewReplyLease | CompleteReply | FailReply) -> ReplyClaim:
    """The claim `command` acts on: the session's current one, same reply and same attempt. A reply whose
    lease ran out may still finish while no other worker has taken the message over."""
    claim = state.claim
    if claim is None or (claim.reply_id, claim.attempt) != (command.reply_id, command.attempt):
        raise ReplyNotClaimed(command.reply_id)
    return claim


def _end(command: EndCoachingSession, state: CoachingSession) -> list[CoachingEvent]:
    """The session ends, and with it every reply still to come: each waiting message's reply fails, a
    reply being generated included (its worker's completion is then refused)."""
    claim = state.claim
    failed: list[CoachingEvent] = [
        CoachReplyFailed(
            session_id=state.session_id,
            reply_id=claim.reply_id
            if claim is not None and claim.message_id == waiting.message_id
            else waiting.reply_id,  # a v1 message's claim had an id of its own
            message_id=waiting.message_id,
            cause=SESSION_ENDED,
            at=command.at,
        )
        for waiting in state.waiting
    ]
    return [*failed, SessionEnded(session_id=state.session_id, at=command.at)]


def _complete(command: CompleteReply, state: CoachingSession) -> list[CoachingEvent]:
    claim = _claim_of(state, command)
    text = validation.reply_text(command.text)
    suggestions = validation.suggestions(command.suggestions)
    triggers = validation.triggers(command.triggers)
    confidence = validation.confidence(command.confidence)
    usage = validation.usage(command.usage)
    known = {suggestion.suggestion_id for suggestion in state.suggestions}
    if any(suggestion.suggestion_id in known for suggestion in suggestions):
        raise ValidationError("suggestions", "must not reuse an earlier suggestion's id")
    safety: list[CoachingEvent] = [
        SafetyTriggered(
            session_id=state.session_id,
            reply_id=claim.reply_id,
            category=trigger.category,
            action=trigger.action,
            direction=trigger.direction,
            note=trigger.note,
            at=command.at,
        )
        for trigger in triggers
    ]
    completed = CoachReplyCompleted(
        session_id=state.session_id,
        reply_id=claim.reply_id,
        message_id=claim.message_id,
        text=text,
        suggestions=suggestions,
        safety_action=most_drastic(trigger.action for trigger in triggers),
        safety_notes=tuple(trigger.note for trigger in triggers if trigger.note),
        confidence=confidence,
        usage=usage,
        at=command.at,
    )
    return [*safety, completed]


def _undecided(state: CoachingSession, suggestion_id: UUID, outcome: Decided) -> bool:
    """True when the suggestion can take `outcome`; False when it already has exactly that outcome."""
    if state.suggestion(suggestion_id) is None:
        raise UnknownSuggestion(suggestion_id)
    decided = state.decision_on(suggestion_id)
    if decided is None:
        return True
    if decided == outcome:
        return False
    raise SuggestionAlreadyDecided(suggestion_id)
