"""Errors shared by every aggregate; each aggregate's own (`domain.plans.errors`, `domain.users.errors`)
derive from `DomainError`.

Each has a stable `code` that the API layer passes on to clients unchanged.
"""

from __future__ import annotations

from domain.safe_text import DISALLOWED_CHARACTER, describe


class DomainError(Exception):
    def __init__(self, code: str, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.field = field


class ValidationError(DomainError):
    def __init__(self, field: str, message: str, *, code: str = "VALIDATION") -> None:
        super().__init__(code, f"{field}: {message}", field)


class DisallowedCharacter(ValidationError):
    """A text holds a character that user-visible text may not (`domain.safe_text`)."""

    def __init__(self, field: str, character: str) -> None:
        super().__init__(field, f"must not contain {describe(character)}", code=DISALLOWED_CHARACTER)
        self.character = character


class ConcurrencyConflict(DomainError):
    def __init__(self, current_version: int) -> None:
        super().__init__("CONFLICT", f"it was changed concurrently; it is now at version {current_version}")
        self.current_version = current_version


class UnknownEventType(DomainError):
    """A stored event this code cannot read: an unknown type, or a schema version with no upcaster."""

    def __init__(self, event_type: str, schema_version: int) -> None:
        super().__init__("UNKNOWN_EVENT_TYPE", f"cannot read event {event_type!r} v{schema_version}")
        self.event_type = event_type
        self.schema_version = schema_version


class MalformedEvent(DomainError):
    """A stored event of a known type whose data does not have that type's shape."""

    def __init__(self, event_type: str, schema_version: int, problem: str) -> None:
        super().__init__(
            "MALFORMED_EVENT", f"stored event {event_type!r} v{schema_version} is malformed: {problem}"
        )
        self.event_type = event_type
        self.schema_version = schema_version
