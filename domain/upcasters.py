"""Upcasters turn an older stored event shape into the next one, on read. Stored data is never rewritten.

The registry is explicit: `(event type, from schema version) -> function`, applied one step at a time
until no upcaster matches. Each function returns a new dict and leaves its input untouched.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

EventData = dict[str, Any]
Upcaster = Callable[[Mapping[str, Any]], EventData]


def exercise_added_v1_to_v2(data: Mapping[str, Any]) -> EventData:
    """v1 stored the exercise as flat fields without tempo, notes or alternatives; v2 nests it."""
    exercise_fields = ("exercise_id", "name", "sets", "reps", "weight_kg", "rest_seconds")
    rest = {key: value for key, value in data.items() if key not in exercise_fields}
    exercise = {key: data[key] for key in exercise_fields}
    return {**rest, "exercise": {**exercise, "tempo": None, "notes": "", "alternatives": []}}


UPCASTERS: dict[tuple[str, int], Upcaster] = {
    ("ExerciseAdded", 1): exercise_added_v1_to_v2,
}


def upcast(
    event_type: str,
    schema_version: int,
    data: Mapping[str, Any],
    upcasters: Mapping[tuple[str, int], Upcaster] = UPCASTERS,
) -> tuple[int, EventData]:
    """The newest shape reachable from `(event_type, schema_version)`, with its schema version."""
    current = dict(data)
    while (step := upcasters.get((event_type, schema_version))) is not None:
        current = step(current)
        schema_version += 1
    return schema_version, current
