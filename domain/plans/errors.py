"""The workout plan's domain errors, each with the stable `code` clients see."""

from __future__ import annotations

from uuid import UUID

from domain.errors import DomainError


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
