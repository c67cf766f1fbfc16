"""Events of a coaching session (stream `coaching-<sessionId>`).

Token deltas are not events: a reply is recorded once, complete (`CoachReplyCompleted`) or failed
(`CoachReplyFailed`). Its id is given when the user's message is sent (`UserMessageSent.reply_id`).
Generating it starts with a claim (`CoachReplyStarted`, appended at the expected version, so one worker
wins) that holds until `lease_until`; the worker renews it while it streams (`CoachReplyLeaseRenewed`).
A claim whose lease ran out is taken over by a new claim of the same reply, with the next attempt number.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar
from uuid import UUID

from domain.coaching.values import (
    Direction,
    Personality,
    ReplyUsage,
    SafetyAction,
    SafetyCategory,
    Suggestion,
)


@dataclass(frozen=True, slots=True, kw_only=True)
class CoachingSessionStarted:
    type: ClassVar[str] = "CoachingSessionStarted"
    schema_version: ClassVar[int] = 1
    session_id: UUID
    user_id: UUID
    personality: Personality
    plan_id: UUID | None
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class UserMessageSent:
    type: ClassVar[str] = "UserMessageSent"
    schema_version: ClassVar[int] = 2
    session_id: UUID
    message_id: UUID
    reply_id: UUID | None
    """The coach's reply to it (`reply_id_for(message_id)`), pending from now on. None only in messages
    recorded before v2, whose replies were given an id by each claim."""
    text: str
    client_message_id: str | None
    """The client's own id for the message: sending it again (an offline retry) adds nothing."""
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class CoachReplyStarted:
    type: ClassVar[str] = "CoachReplyStarted"
    schema_version: ClassVar[int] = 1
    session_id: UUID
    reply_id: UUID
    message_id: UUID
    """The user message this reply answers."""
    provider: str
    model: str
    attempt: int
    """1 for the first claim of the message; more when an earlier claim's lease ran out."""
    lease_until: datetime
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class CoachReplyLeaseRenewed:
    """The worker holding the claim is alive and still generating: its claim holds until `lease_until`."""

    type: ClassVar[str] = "CoachReplyLeaseRenewed"
    schema_version: ClassVar[int] = 1
    session_id: UUID
    reply_id: UUID
    message_id: UUID
    attempt: int
    lease_until: datetime
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class SafetyTriggered:
    type: ClassVar[str] = "SafetyTriggered"
    schema_version: ClassVar[int] = 1
    session_id: UUID
    reply_id: UUID
    category: SafetyCategory
    action: SafetyAction
    direction: Direction
    note: str
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class CoachReplyCompleted:
    type: ClassVar[str] = "CoachReplyCompleted"
    schema_version: ClassVar[int] = 2
    """v2: suggestions carry `order` and `against` (updates and reorders)."""
    session_id: UUID
    reply_id: UUID
    message_id: UUID
    text: str
    suggestions: tuple[Suggestion, ...]
    safety_action: SafetyAction | None
    """The most drastic action the safety layer took on this exchange; None when nothing triggered."""
    safety_notes: tuple[str, ...]
    confidence: float
    usage: ReplyUsage
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class CoachReplyFailed:
    type: ClassVar[str] = "CoachReplyFailed"
    schema_version: ClassVar[int] = 1
    session_id: UUID
    reply_id: UUID
    message_id: UUID
    cause: str
    """A stable cause, e.g. "provider_error", "attempts_exhausted", "session_ended"."""
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class SuggestionAccepted:
    type: ClassVar[str] = "SuggestionAccepted"
    schema_version: ClassVar[int] = 1
    session_id: UUID
    suggestion_id: UUID
    plan_id: UUID
    plan_version: int
    """The plan's version after the change was applied."""
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class SuggestionRejected:
    type: ClassVar[str] = "SuggestionRejected"
    schema_version: ClassVar[int] = 1
    session_id: UUID
    suggestion_id: UUID
    reason: str
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class CoachingSessionEnded:
    type: ClassVar[str] = "CoachingSessionEnded"
    schema_version: ClassVar[int] = 1
    session_id: UUID
    at: datetime


CoachingEvent = (
    CoachingSessionStarted
    | UserMessageSent
    | CoachReplyStarted
    | CoachReplyLeaseRenewed
    | SafetyTriggered
    | CoachReplyCompleted
    | CoachReplyFailed
    | SuggestionAccepted
    | SuggestionRejected
    | CoachingSessionEnded
)
