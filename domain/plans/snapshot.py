"""The WorkoutPlan snapshot codec: a folded `Plan` as JSON-safe data, and back. Pure: no I/O.

A snapshot only ever saves work: `decode` answers None for anything it cannot read exactly (another
schema version, a wrong shape or type), and the caller then folds the stream from its start.
Schema 1 keeps each distinct exercise once in `pool` (the versions repeat most of them) as an array in
`PlannedExercise` field order; `exercises` and each version's exercises are indices into it.
Changing the shape means bumping `SCHEMA_VERSION`; older snapshots then simply stop being used.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

from domain.actor import Actor
from domain.plans.plan import Plan, PlanVersion
from domain.plans.values import Difficulty, PlannedExercise

STATE_TYPE = "WorkoutPlan"
SCHEMA_VERSION = 1
T = TypeVar("T")


class _Unreadable(Exception):
    pass


def encode_plan(plan: Plan) -> dict[str, Any]:
    indices: dict[PlannedExercise, int] = {}

    def index(exercise: PlannedExercise) -> int:
        return indices.setdefault(exercise, len(indices))

    exercises = [index(exercise) for exercise in plan.exercises]
    versions = [
        [
            version.number,
            version.parent,
            [index(exercise) for exercise in version.exercises],
            version.change_description,
            version.changed_by.value,
            version.created_at.isoformat(),
        ]
        for version in plan.versions
    ]
    pool = [_exercise_row(exercise) for exercise in indices]
    return {
        "plan_id": str(plan.plan_id),
        "owner_id": str(plan.owner_id),
        "name": plan.name,
        "description": plan.description,
        "difficulty": plan.difficulty.value,
        "duration_minutes": plan.duration_minutes,
        "archived": plan.archived,
        "created_by": plan.created_by.value,
        "created_at": plan.created_at.isoformat(),
        "updated_at": plan.updated_at.isoformat(),
        "pool": pool,
        "exercises": exercises,
        "versions": versions,
    }


def _exercise_row(e: PlannedExercise) -> list[Any]:
    """The exercise's fields in `PlannedExercise` order."""
    head = [e.exercise_id, e.name, e.sets, e.reps, e.weight_kg, e.rest_seconds, e.tempo, e.notes]
    return [*head, list(e.alternatives)]


def decode_plan(schema_version: int, data: Mapping[str, Any]) -> Plan | None:
    """The plan `encode_plan` saved, or None when `data` is not exactly a schema-1 snapshot."""
    if schema_version != SCHEMA_VERSION:
        return None
    try:
        return _read(data)
    except (_Unreadable, KeyError, IndexError, TypeError, ValueError, AttributeError):
        return None


def _read(d: Mapping[str, Any]) -> Plan:
    pool = [_exercise(row) for row in _of(list, d["pool"])]
    return Plan(
        plan_id=UUID(_of(str, d["plan_id"])),
        owner_id=UUID(_of(str, d["owner_id"])),
        name=_of(str, d["name"]),
        description=_of(str, d["description"]),
        difficulty=Difficulty(d["difficulty"]),
        duration_minutes=_int(d["duration_minutes"]),
        exercises=_picked(pool, d["exercises"]),
        versions=tuple(_version(pool, row) for row in _of(list, d["versions"])),
        archived=_of(bool, d["archived"]),
        created_by=Actor(d["created_by"]),
        created_at=_moment(d["created_at"]),
        updated_at=_moment(d["updated_at"]),
    )


# The types an exercise row's fields may have, in `PlannedExercise` order: tempo may be null, and a
# whole weight may come back from JSON as an integer. One lookup checks a whole row.
_EXERCISE_ROW_TYPES = frozenset(
    (str, str, int, int, weight, int, tempo, str, list)
    for weight in (int, float)
    for tempo in (str, type(None))
)


def _exercise(row: Any) -> PlannedExercise:
    if type(row) is not list or tuple(map(type, row)) not in _EXERCISE_ROW_TYPES:
        raise _Unreadable("not an exercise row")
    exercise_id, name, sets, reps, weight_kg, rest_seconds, tempo, notes, alternatives = row
    if min(sets, reps, rest_seconds) < 0 or not all(type(item) is str for item in alternatives):
        raise _Unreadable("not an exercise row")
    return PlannedExercise(
        exercise_id, name, sets, reps, float(weight_kg), rest_seconds, tempo, notes, tuple(alternatives)
    )


def _version(pool: list[PlannedExercise], row: Any) -> PlanVersion:
    number, parent, exercises, change_description, changed_by, created_at = _of(list, row)
    return PlanVersion(
        number=_int(number),
        parent=None if parent is None else _int(parent),
        exercises=_picked(pool, exercises),
        change_description=_of(str, change_description),
        changed_by=Actor(changed_by),
        created_at=_moment(created_at),
    )


def _picked(pool: list[PlannedExercise], indices: Any) -> tuple[PlannedExercise, ...]:
    return tuple(pool[_int(index)] for index in _of(list, indices))


def _moment(value: Any) -> datetime:
    moment = datetime.fromisoformat(_of(str, value))
    if moment.tzinfo is None:
        raise _Unreadable("naive datetime")
    return moment


def _int(value: Any) -> int:
    if type(value) is not int or value < 0:
        raise _Unreadable("not a non-negative integer")
    return value


def _of(kind: type[T], value: Any) -> T:
    if type(value) is not kind:
        raise _Unreadable(f"not a {kind.__name__}")
    return value


@dataclass(frozen=True, slots=True)
class PlanSnapshotCodec:
    """`encode_plan`/`decode_plan` as one value, the shape `domain.decider.StateCodec` asks for."""

    state_type: str = STATE_TYPE
    schema_version: int = SCHEMA_VERSION

    def encode(self, state: Plan) -> dict[str, Any]:
        return encode_plan(state)

    def decode(self, schema_version: int, data: Mapping[str, Any]) -> Plan | None:
        return decode_plan(schema_version, data)


PLAN_SNAPSHOTS = PlanSnapshotCodec()
