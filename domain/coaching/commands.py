"""Commands on a coaching session. Each carries who asks (`actor`), when (`at`) and the ids it creates."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from uuid import UUID

from domain.actor import Actor
from domain.coaching.values import Personality, ReplyUsage, SafetyTrigger, Suggestion


@dataclass(frozen=True, slots=True, kw_only=True)
class StartCoachingSession:
    session_id: UUID
    user_id: UUID
    personality: Personality
    plan_id: UUID | None
    at: datetime
    actor: Actor = Actor.USER


@dataclass(frozen=True, slots=True, kw_only=True)
class SendUserMessage:
    session_id: UUID
    message_id: UUID
    text: str
    client_message_id: str | None
    at: datetime
    actor: Actor = Actor.USER


@dataclass(frozen=True, slots=True, kw_only=True)
class ClaimReply:
    """A worker takes the oldest unanswered message until `lease_until`. The reply's id is the message's
    (given when it was sent); the claim's attempt number is the decider's."""

    session_id: UUID
    message_id: UUID
    provider: str
    model: str
    lease_until: datetime
    at: datetime
    actor: Actor = Actor.AI_COACH


@dataclass(frozen=True, slots=True, kw_only=True)
class RenewReplyLease:
    """The worker holding claim `attempt` of the reply extends it to `lease_until` while it streams."""

    session_id: UUID
    reply_id: UUID
    attempt: int
    lease_until: datetime
    at: datetime
    actor: Actor = Actor.AI_COACH


@dataclass(frozen=True, slots=True, kw_only=True)
class CompleteReply:
    session_id: UUID
    reply_id: UUID
    attempt: int
    """The claim that generated it: a stale worker's attempt is refused."""
    text: str
    suggestions: tuple[Suggestion, ...]
    triggers: tuple[SafetyTrigger, ...]
    """Everything the safety layer found on this exchange, before and after the model."""
    confidence: float
    usage: ReplyUsage
    at: datetime
    actor: Actor = Actor.AI_COACH


@dataclass(frozen=True, slots=True, kw_only=True)
class FailReply:
    session_id: UUID
    reply_id: UUID
    attempt: int
    cause: str
    at: datetime
    actor: Actor = Actor.AI_COACH


@dataclass(frozen=True, slots=True, kw_only=True)
class AcceptSuggestion:
    """Records that a suggestion was applied to the plan (the plan's own events carry the change)."""

    session_id: UUID
    suggestion_id: UUID
    plan_id: UUID
    plan_version: int
    at: datetime
    actor: Actor = Actor.USER


@dataclass(frozen=True, slots=True, kw_only=True)
class RejectSuggestion:
    session_id: UUID
    suggestion_id: UUID
    reason: str
    at: datetime
    actor: Actor = Actor.USER


@dataclass(frozen=True, slots=True, kw_only=True)
class EndCoachingSession:
    session_id: UUID
    at: datetime
    actor: Actor = Actor.USER


CoachingCommand = (
    StartCoachingSession
    | SendUserMessage
    | ClaimReply
    | RenewReplyLease
    | CompleteReply
    | FailReply
    | AcceptSuggestion
    | RejectSuggestion
    | EndCoachingSession
)
