"""Value objects of the workout plan, shared by its commands, events and state."""

from __future__ import annotations

import enum
from dataclasses import dataclass, replace


class Difficulty(enum.StrEnum):
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


@dataclass(frozen=True, slots=True)
class PlannedExercise:
    """One exercise as prescribed in a plan. `exercise_id` is a catalogue id such as "Barbell_Squat"."""

    exercise_id: str
    name: str
    sets: int
    reps: int
    weight_kg: float
    rest_seconds: int
    tempo: str | None = None
    notes: str = ""
    alternatives: tuple[str, ...] = ()

    @property
    def prescription(self) -> tuple[int, int, float, int]:
        """Sets, reps, weight and rest: how much of the exercise (not which one, nor its tempo or notes)."""
        return self.sets, self.reps, self.weight_kg, self.rest_seconds

    def prescribed_as(self, other: PlannedExercise) -> PlannedExercise:
        """This exercise with `other`'s sets, reps, weight and rest."""
        return replace(
            self, sets=other.sets, reps=other.reps, weight_kg=other.weight_kg, rest_seconds=other.rest_seconds
        )
