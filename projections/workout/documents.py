"""The JSON documents the workout read model stores for planned exercises: one exercise in
`workout_exercises.exercise_data`, a version's whole list in `plan_versions.exercises`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import orjson

from domain.plans.values import PlannedExercise


def _document(e: PlannedExercise) -> dict[str, Any]:
    return {
        "exercise_id": e.exercise_id,
        "name": e.name,
        "sets": e.sets,
        "reps": e.reps,
        "weight_kg": e.weight_kg,
        "rest_seconds": e.rest_seconds,
        "tempo": e.tempo,
        "notes": e.notes,
        "alternatives": e.alternatives,
    }


def exercise_json(e: PlannedExercise) -> str:
    """The `exercise_data` document of one exercise."""
    return orjson.dumps(_document(e)).decode()


def exercises_json(exercises: Sequence[PlannedExercise]) -> str:
    return orjson.dumps([_document(e) for e in exercises]).decode()
