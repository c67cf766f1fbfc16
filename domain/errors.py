"""Domain errors. Each has a stable `code` that the API layer passes on to clients unchanged."""

from __future__ import annotations

from uuid import UUID

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


class TooManyExercises(DomainError):
    def __init__(self, limit: int) -> None:
        super().__init__("TOO_MANY_EXERCISES", f"a plan holds at most {limit} exercises", "exercise")
        self.limit = limit


class DuplicateExercise(DomainError):
    def __init__(self, exercise_id: str) -> None:
        super().__init__(
            "DUPLICATE_EXERCISE", f"exercise {exercise_id!r} is already in the plan", "exercise_id"
        )
        self.exercise_id = exercise_id


class InvalidOrder(DomainError):
    def __init__(self, message: str) -> None:
        super().__init__("INVALID_ORDER", message, "exercise_ids")


class PlanArchived(DomainError):
    def __init__(self, plan_id: UUID) -> None:
        super().__init__("PLAN_ARCHIVED", f"plan {plan_id} is archived and accepts no changes")
        self.plan_id = plan_id


class PlanNotFound(DomainError):
    def __init__(self, plan_id: UUID) -> None:
        super().__init__("NOT_FOUND", f"plan {plan_id} does not exist")
        self.plan_id = plan_id


class PlanAlreadyExists(DomainError):
    def __init__(self, plan_id: UUID) -> None:
        super().__init__("ALREADY_EXISTS", f"plan {plan_id} already exists")
        self.plan_id = plan_id


class ExerciseNotFound(DomainError):
    def __init__(self, exercise_id: str) -> None:
        super().__init__("EXERCISE_NOT_FOUND", f"exercise {exercise_id!r} is not in the plan", "exercise_id")
        self.exercise_id = exercise_id


class VersionNotFound(DomainError):
    def __init__(self, version_number: int) -> None:
        super().__init__("VERSION_NOT_FOUND", f"version {version_number} does not exist", "version_number")
        self.version_number = version_number


class ConcurrencyConflict(DomainError):
    def __init__(self, current_version: int) -> None:
        super().__init__(
            "CONFLICT", f"the plan was changed concurrently; it is now at version {current_version}"
        )
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
