"""Events of a library exercise (stream `library-<exerciseId>`).

A revision carries the whole definition as it is afterwards, plus the names of the fields that changed,
so a read model can upsert its row from that one event.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import ClassVar

from domain.library.values import ExerciseDefinition


@dataclass(frozen=True, slots=True, kw_only=True)
class ExerciseDefined:
    type: ClassVar[str] = "ExerciseDefined"
    schema_version: ClassVar[int] = 1
    exercise: ExerciseDefinition
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class ExerciseRevised:
    type: ClassVar[str] = "ExerciseRevised"
    schema_version: ClassVar[int] = 1
    exercise: ExerciseDefinition
    changed_fields: tuple[str, ...]
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class ExerciseRetired:
    """The exercise leaves search and new plans; plans that hold it still read it."""

    type: ClassVar[str] = "ExerciseRetired"
    schema_version: ClassVar[int] = 1
    exercise_id: str
    reason: str
    at: datetime


LibraryEvent = ExerciseDefined | ExerciseRevised | ExerciseRetired
