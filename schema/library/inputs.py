"""Input objects of the library's admin mutations, each turned into a domain command (which validates
it). Lists are counted here before anything is read from them; their contents are the domain's to check."""

from __future__ import annotations

import enum
from collections.abc import Sequence
from datetime import datetime
from typing import TypeVar
from uuid import UUID

import strawberry

from domain.actor import Actor
from domain.errors import ValidationError
from domain.library import validation
from domain.library.commands import DefineExercise, ExerciseChanges, RetireExercise, ReviseExercise
from domain.library.contraindications import Contraindication, contraindication_named
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
from schema.library import types  # noqa: F401  (registers the library's enums under their GraphQL names)

EXPECTED_VERSION = (
    "The exercise's version this change is based on (`LibraryExercise.version`); a stale one gives a "
    "CONFLICT user error with the current version."
)
COMMAND_ID = "Chosen by the client; sending the same change again with the same id applies it once."
CONTRAINDICATIONS = "Tags of the contraindication vocabulary, e.g. deep_knee_flexion_loaded."

T = TypeVar("T")


@strawberry.enum(description="A field of a library exercise that can be reset to unset.")
class ClearableExerciseField(enum.Enum):
    FORCE = "force"
    MECHANIC = "mechanic"


def bounded(field: str, values: Sequence[T], limit: int) -> tuple[T, ...]:
    if len(values) > limit:
        raise ValidationError(field, f"must hold at most {limit} entries")
    return tuple(values)


def contraindications(field: str, names: Sequence[str]) -> tuple[Contraindication, ...]:
    tags = []
    for index, name in enumerate(bounded(field, names, validation.MAX_TAGS)):
        tag = contraindication_named(name)
        if tag is None:
            raise ValidationError(f"{field}[{index}]", "is not a tag of the contraindication vocabulary")
        tags.append(tag)
    return tuple(tags)


def _optional(field: str, values: Sequence[T] | None, limit: int) -> tuple[T, ...] | None:
    return None if values is None else bounded(field, values, limit)


@strawberry.input(description="A new library exercise. Admins only.")
class DefineExerciseInput:
    exercise_id: str = strawberry.field(
        description="Stable and URL-safe: letters, digits, '_' and '-', e.g. Barbell_Squat."
    )
    name: str
    aliases: list[str] = strawberry.field(default_factory=list)
    category: Category
    level: Level
    force: Force | None = None
    mechanic: Mechanic | None = None
    equipment: list[Equipment] = strawberry.field(description="Everything it needs; [NONE] for nothing.")
    primary_muscles: list[Muscle]
    secondary_muscles: list[Muscle] = strawberry.field(default_factory=list)
    patterns: list[MovementPattern] = strawberry.field(default_factory=list)
    contraindications: list[str] = strawberry.field(default_factory=list, description=CONTRAINDICATIONS)
    cues: list[str] = strawberry.field(default_factory=list, description="Short coaching cues of our own.")
    variations: list[str] = strawberry.field(
        default_factory=list, description="Ids of library exercises that train the same movement."
    )
    command_id: UUID | None = strawberry.field(default=None, description=COMMAND_ID)

    def to_command(self, at: datetime) -> DefineExercise:
        definition = ExerciseDefinition(
            exercise_id=self.exercise_id,
            name=self.name,
            aliases=bounded("aliases", self.aliases, validation.MAX_ALIASES),
            category=self.category,
            level=self.level,
            force=self.force,
            mechanic=self.mechanic,
            equipment=bounded("equipment", self.equipment, validation.MAX_TAGS),
            primary_muscles=bounded("primary_muscles", self.primary_muscles, validation.MAX_TAGS),
            secondary_muscles=bounded("secondary_muscles", self.secondary_muscles, validation.MAX_TAGS),
            patterns=bounded("patterns", self.patterns, validation.MAX_TAGS),
            contraindications=contraindications("contraindications", self.contraindications),
            cues=bounded("cues", self.cues, validation.MAX_CUES),
            variations=bounded("variations", self.variations, validation.MAX_VARIATIONS),
        )
        return DefineExercise(exercise=definition, at=at, actor=Actor.USER)


@strawberry.input(
    description="Change a library exercise: fields left out stay as they are, lists are replaced whole, "
    "`clear` resets force or mechanic. Admins only."
)
class ReviseExerciseInput:
    exercise_id: str
    expected_version: int = strawberry.field(description=EXPECTED_VERSION)
    name: str | None = None
    aliases: list[str] | None = None
    category: Category | None = None
    level: Level | None = None
    force: Force | None = None
    mechanic: Mechanic | None = None
    equipment: list[Equipment] | None = None
    primary_muscles: list[Muscle] | None = None
    secondary_muscles: list[Muscle] | None = None
    patterns: list[MovementPattern] | None = None
    contraindications: list[str] | None = strawberry.field(default=None, description=CONTRAINDICATIONS)
    cues: list[str] | None = None
    variations: list[str] | None = None
    clear: list[ClearableExerciseField] = strawberry.field(
        default_factory=list, description="Fields to reset to unset."
    )
    command_id: UUID | None = strawberry.field(default=None, description=COMMAND_ID)

    def to_command(self, at: datetime) -> ReviseExercise:
        changes = ExerciseChanges(
            name=self.name,
            aliases=_optional("aliases", self.aliases, validation.MAX_ALIASES),
            category=self.category,
            level=self.level,
            force=self.force,
            mechanic=self.mechanic,
            equipment=_optional("equipment", self.equipment, validation.MAX_TAGS),
            primary_muscles=_optional("primary_muscles", self.primary_muscles, validation.MAX_TAGS),
            secondary_muscles=_optional("secondary_muscles", self.secondary_muscles, validation.MAX_TAGS),
            patterns=_optional("patterns", self.patterns, validation.MAX_TAGS),
            contraindications=(
                None
                if self.contraindications is None
                else contraindications("contraindications", self.contraindications)
            ),
            cues=_optional("cues", self.cues, validation.MAX_CUES),
            variations=_optional("variations", self.variations, validation.MAX_VARIATIONS),
            clear=frozenset(
                field.value for field in bounded("clear", self.clear, len(ClearableExerciseField))
            ),
        )
        return ReviseExercise(exercise_id=self.exercise_id, changes=changes, at=at, actor=Actor.USER)


@strawberry.input(
    description="Retire a library exercise: it leaves search and new plans, and stays readable in the "
    "plans that hold it. Admins only."
)
class RetireExerciseInput:
    exercise_id: str
    reason: str = strawberry.field(description="Why, for the log; required.")
    expected_version: int = strawberry.field(description=EXPECTED_VERSION)
    command_id: UUID | None = strawberry.field(default=None, description=COMMAND_ID)

    def to_command(self, at: datetime) -> RetireExercise:
        return RetireExercise(exercise_id=self.exercise_id, reason=self.reason, at=at, actor=Actor.USER)
