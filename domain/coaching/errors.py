"""Coaching sessions' domain errors, each with the stable `code` clients (and workers) see."""

from __future__ import annotations

from uuid import UUID

from domain.errors import DomainError


class CoachingSessionNotFound(DomainError):
    def __init__(self, session_id: UUID) -> None:
        super().__init__("COACHING_SESSION_NOT_FOUND", f"no coaching session {session_id}", "session_id")


class CoachingSessionAlreadyStarted(DomainError):
    def __init__(self, session_id: UUID) -> None:
        super().__init__(
            "COACHING_SESSION_ALREADY_STARTED", f"coaching session {session_id} already exists", "session_id"
        )


class CoachingSessionEnded(DomainError):
    def __init__(self, session_id: UUID) -> None:
        super().__init__("COACHING_SESSION_ENDED", f"coaching session {session_id} has ended", "session_id")


class TooManyPendingMessages(DomainError):
    """The coach has not answered the earlier messages yet."""

    def __init__(self, limit: int) -> None:
        super().__init__(
            "TOO_MANY_PENDING_MESSAGES", f"at most {limit} messages may wait for a reply", "text"
        )


class CoachingSessionFull(DomainError):
    def __init__(self, limit: int) -> None:
        super().__init__(
            "COACHING_SESSION_FULL", f"a session holds at most {limit} messages: start a new one", "text"
        )


class ReplyNotNeeded(DomainError):
    """The message is not waiting for a reply (answered, failed, or not the oldest waiting)."""

    def __init__(self, message_id: UUID) -> None:
        super().__init__("REPLY_NOT_NEEDED", f"message {message_id} is not the next to answer", "message_id")


class ReplyAlreadyClaimed(DomainError):
    """Another worker holds a live lease on the message: this one lost the race."""

    def __init__(self, message_id: UUID) -> None:
        super().__init__(
            "REPLY_ALREADY_CLAIMED", f"a reply to message {message_id} is being generated", "message_id"
        )


class ReplyAttemptsExhausted(DomainError):
    def __init__(self, message_id: UUID, attempts: int) -> None:
        super().__init__(
            "REPLY_ATTEMPTS_EXHAUSTED",
            f"message {message_id} was claimed {attempts} times without a reply",
            "message_id",
        )


class ReplyNotClaimed(DomainError):
    """The reply (that attempt of it) is not the session's current claim: its lease ran out and another
    worker took over, it was already finished, or its session ended."""

    def __init__(self, reply_id: UUID) -> None:
        super().__init__("REPLY_NOT_CLAIMED", f"reply {reply_id} holds no claim", "reply_id")


class ReplyLeaseExpired(DomainError):
    """The claim's lease ran out before it was renewed: another worker may take the message over."""

    def __init__(self, reply_id: UUID) -> None:
        super().__init__("REPLY_LEASE_EXPIRED", f"the claim on reply {reply_id} has expired", "reply_id")


class UnknownSuggestion(DomainError):
    def __init__(self, suggestion_id: UUID) -> None:
        super().__init__(
            "UNKNOWN_SUGGESTION", f"no suggestion {suggestion_id} in this session", "suggestion_id"
        )


class SuggestionAlreadyDecided(DomainError):
    def __init__(self, suggestion_id: UUID) -> None:
        super().__init__(
            "SUGGESTION_ALREADY_DECIDED",
            f"suggestion {suggestion_id} was already accepted or rejected",
            "suggestion_id",
        )


class StaleSuggestion(DomainError):
    """The plan moved since the suggestion was made: its change no longer applies (the reason says why).
    The suggestion stays open; the user may reject it or ask again."""

    def __init__(self, suggestion_id: UUID, reason: str) -> None:
        super().__init__(
            "STALE_SUGGESTION",
            f"suggestion {suggestion_id} no longer fits the plan: {reason}",
            "suggestion_id",
        )


class SessionWithoutPlan(DomainError):
    def __init__(self, session_id: UUID) -> None:
        super().__init__(
            "SESSION_WITHOUT_PLAN",
            f"coaching session {session_id} has no plan to apply a suggestion to",
            "suggestion_id",
        )


class UnsafeSuggestion(DomainError):
    """The suggestion no longer suits the user as they are now (a restriction or missing equipment in
    their profile); it stays open, and the user may reject it."""

    def __init__(self, suggestion_id: UUID, reason: str) -> None:
        super().__init__(
            "UNSAFE_SUGGESTION",
            f"suggestion {suggestion_id} does not suit your profile now: {reason}",
            "suggestion_id",
        )
