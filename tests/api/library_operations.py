"""The library's admin mutations as the API tests send them, and inputs to send."""

from __future__ import annotations

import uuid
from typing import Any

from domain.library.streams import library_stream
from tests.api.server import RunningApi

EXERCISE_FIELDS = """exerciseId slug name aliases category level force mechanic equipment primaryMuscles
secondaryMuscles patterns contraindications cues variations retired version"""
PAYLOAD = f"libraryExercise {{ {EXERCISE_FIELDS} }} userErrors {{ field code message currentVersion }}"
DEFINE = f"mutation($input: DefineExerciseInput!) {{ defineExercise(input: $input) {{ {PAYLOAD} }} }}"
REVISE = f"mutation($input: ReviseExerciseInput!) {{ reviseExercise(input: $input) {{ {PAYLOAD} }} }}"
RETIRE = f"mutation($input: RetireExerciseInput!) {{ retireExercise(input: $input) {{ {PAYLOAD} }} }}"


def new_exercise_id(prefix: str = "Made_Up") -> str:
    return f"{prefix}_{uuid.uuid4().hex[:10]}"


def definition(exercise_id: str, **fields: Any) -> dict[str, Any]:
    """A valid `DefineExerciseInput`, with `fields` in place of the defaults."""
    return {
        "exerciseId": exercise_id,
        "name": "Goblet squat",
        "aliases": ["Cup squat"],
        "category": "STRENGTH",
        "level": "BEGINNER",
        "force": "PUSH",
        "mechanic": "COMPOUND",
        "equipment": ["DUMBBELL"],
        "primaryMuscles": ["QUADRICEPS"],
        "secondaryMuscles": ["GLUTES"],
        "patterns": ["SQUAT"],
        "contraindications": ["deep_knee_flexion_loaded"],
        "cues": ["Elbows inside the knees"],
        "variations": [],
        **fields,
    }


async def library_events(served: RunningApi, exercise_id: str) -> list[str]:
    """The types of the events in the exercise's stream, oldest first."""
    recorded = await served.api.core.store.read_stream(library_stream(exercise_id))
    return [record.type for record in recorded]
