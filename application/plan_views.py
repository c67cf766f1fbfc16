"""The read-model views of a workout plan: `PlanView` with its `ExerciseView`s, and a `VersionView`.

A plan view converts to and from JSON, the form it is cached in; `PLAN_SCALARS` names the fields
that need no conversion.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any
from uuid import UUID

from domain.plans.values import PlannedExercise


@dataclass(frozen=True, slots=True)
class ExerciseView:
    exercise_id: str
    name: str
    sets: int
    reps: int
    weight_kg: float
    rest_seconds: int
    tempo: str | None
    notes: str
    alternatives: tuple[str, ...]

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ExerciseView:
        return cls(
            **{name: data[name] for name in ("exercise_id", "name", "sets", "reps", "rest_seconds")},
            weight_kg=float(data["weight_kg"]),
            tempo=data.get("tempo"),
            notes=data.get("notes") or "",
            alternatives=tuple(data.get("alternatives") or ()),
        )

    def to_json(self) -> dict[str, Any]:
        fields = {name: getattr(self, name) for name in self.__slots__}
        return {**fields, "alternatives": list(self.alternatives)}

    def planned(self) -> PlannedExercise:
        """The exercise as the plan's domain holds it."""
        return PlannedExercise(**{name: getattr(self, name) for name in self.__slots__})


@dataclass(frozen=True, slots=True)
class PlanView:
    id: UUID
    user_id: UUID
    name: str
    description: str
    difficulty_level: str
    duration_minutes: int
    version: int
    """The plan's stream version the row was built from."""
    latest_version_number: int | None
    is_active: bool
    created_by: str
    created_at: datetime
    updated_at: datetime
    last_position: int
    """Global position of the last event applied to this plan."""
    exercises: tuple[ExerciseView, ...]

    def to_json(self) -> dict[str, Any]:
        scalars = {name: getattr(self, name) for name in PLAN_SCALARS}
        return {
            **scalars,
            "id": str(self.id),
            "user_id": str(self.user_id),
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "exercises": [exercise.to_json() for exercise in self.exercises],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> PlanView:
        return cls(
            **{name: data[name] for name in PLAN_SCALARS},
            id=UUID(data["id"]),
            user_id=UUID(data["user_id"]),
            created_at=datetime.fromisoformat(data["created_at"]),
            updated_at=datetime.fromisoformat(data["updated_at"]),
            exercises=tuple(ExerciseView.from_json(exercise) for exercise in data["exercises"]),
        )


PLAN_SCALARS = (
    "name",
    "description",
    "difficulty_level",
    "duration_minutes",
    "version",
    "latest_version_number",
    "is_active",
    "created_by",
    "last_position",
)


@dataclass(frozen=True, slots=True)
class VersionView:
    plan_id: UUID
    version_number: int
    parent_version: int | None
    exercises: tuple[ExerciseView, ...]
    change_description: str
    changed_by: str
    created_at: datetime
