"""Value objects of the workout plan, shared by its commands, events and state."""

from __future__ import annotations

import enum
from dataclasses import dataclass


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
