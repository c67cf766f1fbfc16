"""The coaching session's event codec: the explicit map of its event types (`encode`, `decode`)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from typing import Any
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
from domain.coaching.values import (
    Direction,
    Personality,
    PlanAt,
    ReplyUsage,
    SafetyAction,
    SafetyCategory,
    Suggestion,
    SuggestionKind,
)
from domain.event_codec import EventCodec, EventType
from domain.plans.codec import read_exercise
from domain.upcasting import EventData, Upcaster


def _at(d: Mapping[str, Any], key: str = "at") -> datetime:
    return datetime.fromisoformat(d[key])


def _uuid_or_none(value: Any) -> UUID | None:
    return None if value is None else UUID(value)


def read_suggestion(d: Mapping[str, Any]) -> Suggestion:
    against = d["against"]
    return Suggestion(
        suggestion_id=UUID(d["suggestion_id"]),
        kind=SuggestionKind(d["kind"]),
        exercise=None if d["exercise"] is None else read_exercise(d["exercise"]),
        replaces=None if d["replaces"] is None else str(d["replaces"]),
        order=tuple(str(exercise_id) for exercise_id in d["order"]),
        against=None if against is None else PlanAt(UUID(against["plan_id"]), int(against["version"])),
        reason=str(d["reason"]),
    )


def _started(d: EventData) -> CoachingSessionStarted:
    return CoachingSessionStarted(
        session_id=UUID(d["session_id"]),
        user_id=UUID(d["user_id"]),
        personality=Personality(d["personality"]),
        plan_id=_uuid_or_none(d["plan_id"]),
        at=_at(d),
    )


def _message(d: EventData) -> UserMessageSent:
    client_id = d["client_message_id"]
    return UserMessageSent(
        session_id=UUID(d["session_id"]),
        message_id=UUID(d["message_id"]),
        reply_id=_uuid_or_none(d["reply_id"]),
        text=str(d["text"]),
        client_message_id=None if client_id is None else str(client_id),
        at=_at(d),
    )


def _reply_started(d: EventData) -> CoachReplyStarted:
    return CoachReplyStarted(
        session_id=UUID(d["session_id"]),
        reply_id=UUID(d["reply_id"]),
        message_id=UUID(d["message_id"]),
        provider=str(d["provider"]),
        model=str(d["model"]),
        attempt=int(d["attempt"]),
        lease_until=_at(d, "lease_until"),
        at=_at(d),
    )


def _lease_renewed(d: EventData) -> CoachReplyLeaseRenewed:
    return CoachReplyLeaseRenewed(
        session_id=UUID(d["session_id"]),
        reply_id=UUID(d["reply_id"]),
        message_id=UUID(d["message_id"]),
        attempt=int(d["attempt"]),
        lease_until=_at(d, "lease_until"),
        at=_at(d),
    )


def _safety(d: EventData) -> SafetyTriggered:
    return SafetyTriggered(
        session_id=UUID(d["session_id"]),
        reply_id=UUID(d["reply_id"]),
        category=SafetyCategory(d["category"]),
        action=SafetyAction(d["action"]),
        direction=Direction(d["direction"]),
        note=str(d["note"]),
        at=_at(d),
    )


def _reply_completed(d: EventData) -> CoachReplyCompleted:
    usage = d["usage"]
    action = d["safety_action"]
    return CoachReplyCompleted(
        session_id=UUID(d["session_id"]),
        reply_id=UUID(d["reply_id"]),
        message_id=UUID(d["message_id"]),
        text=str(d["text"]),
        suggestions=tuple(read_suggestion(item) for item in d["suggestions"]),
        safety_action=None if action is None else SafetyAction(action),
        safety_notes=tuple(str(note) for note in d["safety_notes"]),
        confidence=float(d["confidence"]),
        usage=ReplyUsage(
            provider=str(usage["provider"]),
            model=str(usage["model"]),
            input_tokens=int(usage["input_tokens"]),
            output_tokens=int(usage["output_tokens"]),
            latency_ms=int(usage["latency_ms"]),
        ),
        at=_at(d),
    )


def _reply_failed(d: EventData) -> CoachReplyFailed:
    return CoachReplyFailed(
        session_id=UUID(d["session_id"]),
        reply_id=UUID(d["reply_id"]),
        message_id=UUID(d["message_id"]),
        cause=str(d["cause"]),
        at=_at(d),
    )


def _accepted(d: EventData) -> SuggestionAccepted:
    return SuggestionAccepted(
        session_id=UUID(d["session_id"]),
        suggestion_id=UUID(d["suggestion_id"]),
        plan_id=UUID(d["plan_id"]),
        plan_version=int(d["plan_version"]),
        at=_at(d),
    )


def _rejected(d: EventData) -> SuggestionRejected:
    return SuggestionRejected(
        session_id=UUID(d["session_id"]),
        suggestion_id=UUID(d["suggestion_id"]),
        reason=str(d["reason"]),
        at=_at(d),
    )


def _ended(d: EventData) -> CoachingSessionEnded:
    return CoachingSessionEnded(session_id=UUID(d["session_id"]), at=_at(d))


def user_message_v1_to_v2(data: Mapping[str, Any]) -> EventData:
    """v1 messages had no reply id: each claim of them chose one (`reply_id` None says so)."""
    return {**data, "reply_id": None}


def reply_completed_v1_to_v2(data: Mapping[str, Any]) -> EventData:
    """v1 suggestions were additions, replacements and removals, without an order or the plan they were
    made against; v2 adds both (empty)."""
    suggestions = [{**suggestion, "order": [], "against": None} for suggestion in data["suggestions"]]
    return {**data, "suggestions": suggestions}


COACHING_UPCASTERS: dict[tuple[str, int], Upcaster] = {
    (UserMessageSent.type, 1): user_message_v1_to_v2,
    (CoachReplyCompleted.type, 1): reply_completed_v1_to_v2,
}

COACHING_EVENT_TYPES: dict[str, EventType[CoachingEvent]] = {
    CoachingSessionStarted.type: EventType(CoachingSessionStarted.schema_version, _started),
    UserMessageSent.type: EventType(UserMessageSent.schema_version, _message),
    CoachReplyStarted.type: EventType(CoachReplyStarted.schema_version, _reply_started),
    CoachReplyLeaseRenewed.type: EventType(CoachReplyLeaseRenewed.schema_version, _lease_renewed),
    SafetyTriggered.type: EventType(SafetyTriggered.schema_version, _safety),
    CoachReplyCompleted.type: EventType(CoachReplyCompleted.schema_version, _reply_completed),
    CoachReplyFailed.type: EventType(CoachReplyFailed.schema_version, _reply_failed),
    SuggestionAccepted.type: EventType(SuggestionAccepted.schema_version, _accepted),
    SuggestionRejected.type: EventType(SuggestionRejected.schema_version, _rejected),
    CoachingSessionEnded.type: EventType(CoachingSessionEnded.schema_version, _ended),
}
COACHING_CODEC: EventCodec[CoachingEvent] = EventCodec(COACHING_EVENT_TYPES, COACHING_UPCASTERS)


def encode(event: CoachingEvent) -> tuple[str, int, EventData]:
    return COACHING_CODEC.encode(event)


def decode(event_type: str, schema_version: int, data: Mapping[str, Any]) -> CoachingEvent:
    return COACHING_CODEC.decode(event_type, schema_version, data)
