"""The exercise library's domain errors, each with the stable `code` clients see."""

from __future__ import annotations

from domain.errors import DomainError


class UnknownExercise(DomainError):
    """No library exercise has this id (or it was never finished being defined)."""

    def __init__(self, exercise_id: str, field: str = "exercise_id") -> None:
        super().__init__("UNKNOWN_EXERCISE", f"the library has no exercise {exercise_id!r}", field)
        self.exercise_id = exercise_id


class ExerciseAlreadyDefined(DomainError):
    def __init__(self, exercise_id: str) -> None:
        super().__init__(
            "EXERCISE_ALREADY_DEFINED", f"the library already has an exercise {exercise_id!r}", "exercise_id"
        )
        self.exercise_id = exercise_id


class RetiredExercise(DomainError):
    """The exercise was retired: it stays readable in plans that hold it, and takes no new uses or
    revisions."""

    def __init__(self, exercise_id: str, field: str = "exercise_id") -> None:
        super().__init__("RETIRED_EXERCISE", f"exercise {exercise_id!r} is retired", field)
        self.exercise_id = exercise_id
