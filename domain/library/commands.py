"""Commands on a library exercise. Each carries who asks (`actor`) and when (`at`)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.actor import Actor
from domain.library.contraindications import Contraindication
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


@dataclass(frozen=True, slots=True, kw_only=True)
class DefineExercise:
    exercise: ExerciseDefinition
    at: datetime
    actor: Actor = Actor.USER

    @property
    def exercise_id(self) -> str:
        return self.exercise.exercise_id


@dataclass(frozen=True, slots=True, kw_only=True)
class ExerciseChanges:
    """Fields to change; None leaves a field as it is. Lists are replaced whole. `force` and `mechanic`
    are reset to unset by naming them in `clear`."""

    name: str | None = None
    aliases: tuple[str, ...] | None = None
    category: Category | None = None
    level: Level | None = None
    force: Force | None = None
    mechanic: Mechanic | None = None
    equipment: tuple[Equipment, ...] | None = None
    primary_muscles: tuple[Muscle, ...] | None = None
    secondary_muscles: tuple[Muscle, ...] | None = None
    patterns: tuple[MovementPattern, ...] | None = None
    contraindications: tuple[Contraindication, ...] | None = None
    cues: tuple[str, ...] | None = None
    variations: tuple[str, ...] | None = None
    clear: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True, kw_only=True)
class ReviseExercise:
    exercise_id: str
    changes: ExerciseChanges
    at: datetime
    actor: Actor = Actor.USER


@dataclass(frozen=True, slots=True, kw_only=True)
class RetireExercise:
    exercise_id: str
    reason: str
    at: datetime
    actor: Actor = Actor.USER


LibraryCommand = DefineExercise | ReviseExercise | RetireExercise
