"""GraphQL types of the exercise library: `LibraryExercise` (a `Node`) and the enums of its closed
vocabularies. The enums are the domain's own (`domain.library.values`), so GraphQL and the domain cannot
drift apart; contraindication tags stay strings (`String`), as clients pass them through."""

from __future__ import annotations

from datetime import datetime

import strawberry

from application.library_views import LibraryExerciseView
from domain.library import values
from schema.ids import global_id
from schema.node import Node

# Registered once here, under their own names; the domain classes are then GraphQL enums as they are.
strawberry.enum(values.Muscle, description="A muscle group.")
strawberry.enum(values.Equipment, description="What an exercise needs.")
strawberry.enum(values.Level, description="How experienced one should be to do it well.")
strawberry.enum(values.Category)
strawberry.enum(values.Force)
strawberry.enum(values.Mechanic)
strawberry.enum(values.MovementPattern, description="The movement an exercise trains.")


@strawberry.type(description="An exercise of the library, which plans refer to by its `exerciseId`.")
class LibraryExercise(Node):
    view: strawberry.Private[LibraryExerciseView]

    @classmethod
    def of(cls, view: LibraryExerciseView) -> LibraryExercise:
        return cls(id=strawberry.ID(global_id("LibraryExercise", view.id)), view=view)

    @strawberry.field(description="The id plans use as `exerciseId`, e.g. Barbell_Squat.")
    def exercise_id(self) -> str:
        return self.view.id

    @strawberry.field
    def slug(self) -> str:
        return self.view.slug

    @strawberry.field
    def name(self) -> str:
        return self.view.name

    @strawberry.field(description="Other names it is known by.")
    def aliases(self) -> list[str]:
        return list(self.view.aliases)

    @strawberry.field
    def category(self) -> values.Category:
        return values.Category(self.view.category)

    @strawberry.field
    def level(self) -> values.Level:
        return values.Level(self.view.level)

    @strawberry.field
    def force(self) -> values.Force | None:
        return None if self.view.force is None else values.Force(self.view.force)

    @strawberry.field
    def mechanic(self) -> values.Mechanic | None:
        return None if self.view.mechanic is None else values.Mechanic(self.view.mechanic)

    @strawberry.field(description="Everything it needs.")
    def equipment(self) -> list[values.Equipment]:
        return [values.Equipment(item) for item in self.view.equipment]

    @strawberry.field
    def primary_muscles(self) -> list[values.Muscle]:
        return [values.Muscle(muscle) for muscle in self.view.primary_muscles]

    @strawberry.field
    def secondary_muscles(self) -> list[values.Muscle]:
        return [values.Muscle(muscle) for muscle in self.view.secondary_muscles]

    @strawberry.field
    def patterns(self) -> list[values.MovementPattern]:
        return [values.MovementPattern(pattern) for pattern in self.view.patterns]

    @strawberry.field(description="Contraindication tags: what it demands that some conditions forbid.")
    def contraindications(self) -> list[str]:
        return list(self.view.contraindications)

    @strawberry.field(description="Short coaching cues.")
    def cues(self) -> list[str]:
        return list(self.view.cues)

    @strawberry.field(description="Ids of library exercises that train the same movement differently.")
    def variations(self) -> list[str]:
        return list(self.view.variations)

    @strawberry.field(description="Retired exercises stay readable in plans but leave search.")
    def retired(self) -> bool:
        return self.view.retired

    @strawberry.field(description="The exercise stream's version: send it back as `expectedVersion`.")
    def version(self) -> int:
        return self.view.version

    @strawberry.field
    def updated_at(self) -> datetime:
        return self.view.updated_at
