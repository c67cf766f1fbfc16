"""The workout plan's upcasters: older stored event shapes become the current ones, on read
(`domain.upcasting` applies them). Stored data is never rewritten.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.upcasting import EventData, Upcaster


def exercise_added_v1_to_v2(data: Mapping[str, Any]) -> EventData:
    """v1 stored the exercise as flat fields without tempo, notes or alternatives; v2 nests it."""
    exercise_fields = ("exercise_id", "name", "sets", "reps", "weight_kg", "rest_seconds")
    rest = {key: value for key, value in data.items() if key not in exercise_fields}
    exercise = {key: data[key] for key in exercise_fields}
    return {**rest, "exercise": {**exercise, "tempo": None, "notes": "", "alternatives": []}}


UPCASTERS: dict[tuple[str, int], Upcaster] = {
    ("ExerciseAdded", 1): exercise_added_v1_to_v2,
}
