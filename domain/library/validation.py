"""Input checks of the library's commands; each failure raises `ValidationError` naming the field.

Enum-typed fields are closed by their types; what is checked here are ids, texts, list sizes and
duplicates.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TypeVar

from domain.errors import ValidationError
from domain.library.values import Equipment, ExerciseDefinition
from domain.validation import name

MAX_EXERCISE_ID = 80
MAX_NAME = 120
MAX_ALIASES = 10
MAX_CUES = 8
MAX_CUE = 200
MAX_VARIATIONS = 20
MAX_TAGS = 30
MAX_REASON = 500
_EXERCISE_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_\-]*")

T = TypeVar("T")


def exercise_id(field: str, value: str) -> str:
    """Letters, digits, `_` and `-`, starting with a letter or digit: safe in a stream name and a URL."""
    if len(value) > MAX_EXERCISE_ID or not _EXERCISE_ID.fullmatch(value):
        raise ValidationError(
            field,
            f"must be 1 to {MAX_EXERCISE_ID} letters, digits, '_' or '-', starting with a letter or digit",
        )
    return value


def distinct(field: str, values: Sequence[T], limit: int) -> tuple[T, ...]:
    if len(values) > limit:
        raise ValidationError(field, f"must hold at most {limit} entries")
    if len(set(values)) != len(values):
        raise ValidationError(field, "must not repeat an entry")
    return tuple(values)


def texts(field: str, values: Sequence[str], limit: int, length: int) -> tuple[str, ...]:
    checked = tuple(name(f"{field}[{index}]", value, length) for index, value in enumerate(values))
    return distinct(field, checked, limit)


def reason(field: str, value: str) -> str:
    """Why an exercise is retired: required, so the log explains itself to auditors."""
    return name(field, value, MAX_REASON)


def definition(exercise: ExerciseDefinition) -> ExerciseDefinition:
    """The definition with texts stripped, or a ValidationError for the first field that is wrong."""
    exercise_id("exercise_id", exercise.exercise_id)
    if not exercise.primary_muscles:
        raise ValidationError("primary_muscles", "must name at least one muscle")
    if not exercise.equipment:
        raise ValidationError("equipment", f"must name what it needs ({Equipment.NONE.value!r} for nothing)")
    if Equipment.NONE in exercise.equipment and len(exercise.equipment) > 1:
        raise ValidationError("equipment", f"{Equipment.NONE.value!r} cannot be combined with equipment")
    both = set(exercise.primary_muscles) & set(exercise.secondary_muscles)
    if both:
        listed = ", ".join(sorted(muscle.value for muscle in both))
        raise ValidationError("secondary_muscles", f"must not repeat a primary muscle ({listed})")
    for index, variation in enumerate(exercise.variations):
        exercise_id(f"variations[{index}]", variation)
        if variation == exercise.exercise_id:
            raise ValidationError("variations", "must not name the exercise itself")
    return ExerciseDefinition(
        exercise_id=exercise.exercise_id,
        name=name("name", exercise.name, MAX_NAME),
        aliases=texts("aliases", exercise.aliases, MAX_ALIASES, MAX_NAME),
        category=exercise.category,
        level=exercise.level,
        force=exercise.force,
        mechanic=exercise.mechanic,
        equipment=distinct("equipment", exercise.equipment, MAX_TAGS),
        primary_muscles=distinct("primary_muscles", exercise.primary_muscles, MAX_TAGS),
        secondary_muscles=distinct("secondary_muscles", exercise.secondary_muscles, MAX_TAGS),
        patterns=distinct("patterns", exercise.patterns, MAX_TAGS),
        contraindications=distinct("contraindications", exercise.contraindications, MAX_TAGS),
        cues=texts("cues", exercise.cues, MAX_CUES, MAX_CUE),
        variations=distinct("variations", exercise.variations, MAX_VARIATIONS),
    )
