"""The library's event codec: the explicit map of its event types (`encode`, `decode`)."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from enum import StrEnum
from typing import Any, TypeVar

from domain.event_codec import EventCodec, EventType, JsonValue, to_json
from domain.library.contraindications import Contraindication
from domain.library.events import ExerciseDefined, ExerciseRetired, ExerciseRevised, LibraryEvent
from domain.library.values import (
    Category,
    Equipment,
    ExerciseDefinition,
    Force,
    Level,
    Mechanic,
    MovementPattern,
    Muscle,
)
from domain.upcasting import EventData, Upcaster

V = TypeVar("V", bound=StrEnum)


def write_definition(exercise: ExerciseDefinition) -> JsonValue:
    return to_json(exercise)


def read_definition(d: Mapping[str, Any]) -> ExerciseDefinition:
    def values(key: str, kind: Callable[[str], V]) -> tuple[V, ...]:
        return tuple(kind(item) for item in d[key])

    def texts(key: str) -> tuple[str, ...]:
        return tuple(str(item) for item in d[key])

    return ExerciseDefinition(
        exercise_id=str(d["exercise_id"]),
        name=str(d["name"]),
        aliases=texts("aliases"),
        category=Category(d["category"]),
        level=Level(d["level"]),
        force=None if d["force"] is None else Force(d["force"]),
        mechanic=None if d["mechanic"] is None else Mechanic(d["mechanic"]),
        equipment=values("equipment", Equipment),
        primary_muscles=values("primary_muscles", Muscle),
        secondary_muscles=values("secondary_muscles", Muscle),
        patterns=values("patterns", MovementPattern),
        contraindications=values("contraindications", Contraindication),
        cues=texts("cues"),
        variations=texts("variations"),
    )


def _at(d: Mapping[str, Any]) -> datetime:
    return datetime.fromisoformat(d["at"])


def _defined(d: EventData) -> ExerciseDefined:
    return ExerciseDefined(exercise=read_definition(d["exercise"]), at=_at(d))


def _revised(d: EventData) -> ExerciseRevised:
    return ExerciseRevised(
        exercise=read_definition(d["exercise"]),
        changed_fields=tuple(str(name) for name in d["changed_fields"]),
        at=_at(d),
    )


def _retired(d: EventData) -> ExerciseRetired:
    return ExerciseRetired(exercise_id=str(d["exercise_id"]), reason=str(d["reason"]), at=_at(d))


LIBRARY_UPCASTERS: dict[tuple[str, int], Upcaster] = {}

LIBRARY_EVENT_TYPES: dict[str, EventType[LibraryEvent]] = {
    ExerciseDefined.type: EventType(ExerciseDefined.schema_version, _defined),
    ExerciseRevised.type: EventType(ExerciseRevised.schema_version, _revised),
    ExerciseRetired.type: EventType(ExerciseRetired.schema_version, _retired),
}
LIBRARY_CODEC: EventCodec[LibraryEvent] = EventCodec(LIBRARY_EVENT_TYPES, LIBRARY_UPCASTERS)


def encode(event: LibraryEvent) -> tuple[str, int, EventData]:
    return LIBRARY_CODEC.encode(event)


def decode(event_type: str, schema_version: int, data: Mapping[str, Any]) -> LibraryEvent:
    return LIBRARY_CODEC.decode(event_type, schema_version, data)
