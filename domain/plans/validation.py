"""Input checks of the workout plan's commands; each failure raises `ValidationError` naming the field.

The checks every aggregate shares (texts, moments) are in `domain.validation`.
"""

from __future__ import annotations

import math
import re

from domain.errors import ValidationError
from domain.plans.values import Difficulty, PlannedExercise
from domain.validation import name, text

MAX_EXERCISES = 20
MAX_PLAN_NAME = 120
MAX_DESCRIPTION = 2000
MAX_EXERCISE_NAME = 120
MAX_EXERCISE_ID = 100
MAX_NOTES = 1000
MAX_ALTERNATIVES = 10
MAX_ALTERNATIVE = 120
MAX_CHANGE_DESCRIPTION = 500
SETS = (1, 20)
REPS = (1, 100)
WEIGHT_KG = (0.0, 1000.0)
REST_SECONDS = (0, 900)
DURATION_MINUTES = (1, 600)

# Digits spelled out: `\d` would also accept non-ASCII digits.
_TEMPO = re.compile(r"[0-9]{1,2}-[0-9]{1,2}-[0-9]{1,2}-[0-9]{1,2}")


def integer(field: str, value: int, bounds: tuple[int, int]) -> int:
    low, high = bounds
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ValidationError(field, f"must be a whole number from {low} to {high}")
    return value


def weight(field: str, value: float) -> float:
    low, high = WEIGHT_KG
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValidationError(field, "must be a finite number")
    if not low <= value <= high:
        raise ValidationError(field, f"must be from {low:g} to {high:g} kg")
    return float(value)


def tempo(field: str, value: str | None) -> str | None:
    if value is not None and not _TEMPO.fullmatch(value):
        raise ValidationError(field, "must look like 2-0-2-0 (four groups of one or two digits)")
    return value


def exercise_id(field: str, value: str) -> str:
    if not value or value != value.strip():
        raise ValidationError(field, "must not be empty or start or end with whitespace")
    return text(field, value, MAX_EXERCISE_ID)


def alternatives(field: str, values: tuple[str, ...]) -> tuple[str, ...]:
    if len(values) > MAX_ALTERNATIVES:
        raise ValidationError(field, f"must list at most {MAX_ALTERNATIVES} alternatives")
    return tuple(name(field, value, MAX_ALTERNATIVE) for value in values)


def difficulty(field: str, value: Difficulty) -> Difficulty:
    if not isinstance(value, Difficulty):
        raise ValidationError(field, "must be beginner, intermediate or advanced")
    return value


def exercise(value: PlannedExercise, prefix: str = "exercise") -> PlannedExercise:
    """The exercise with its texts stripped, or ValidationError on the first bad field."""
    return PlannedExercise(
        exercise_id=exercise_id(f"{prefix}.exercise_id", value.exercise_id),
        name=name(f"{prefix}.name", value.name, MAX_EXERCISE_NAME),
        sets=integer(f"{prefix}.sets", value.sets, SETS),
        reps=integer(f"{prefix}.reps", value.reps, REPS),
        weight_kg=weight(f"{prefix}.weight_kg", value.weight_kg),
        rest_seconds=integer(f"{prefix}.rest_seconds", value.rest_seconds, REST_SECONDS),
        tempo=tempo(f"{prefix}.tempo", value.tempo),
        notes=text(f"{prefix}.notes", value.notes, MAX_NOTES),
        alternatives=alternatives(f"{prefix}.alternatives", tuple(value.alternatives)),
    )
