"""Library exercises for tests, written through the real command handler into a real event store, and
projected with the runner's own batch function."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

import psycopg

from application.eventstore import EventStore
from application.handler import CommandHandler, CommandMetadata
from application.library_views import LIBRARY_PROJECTION
from domain.library.commands import DefineExercise, ExerciseChanges, RetireExercise, ReviseExercise
from domain.library.contraindications import Contraindication
from domain.library.decider import LIBRARY
from domain.library.values import Category, Equipment, ExerciseDefinition, Level, MovementPattern, Muscle
from projections.batch import apply_batch
from projections.registry import projection_named

T0 = datetime(2026, 1, 5, 9, 0, tzinfo=UTC)


def definition(exercise_id: str, name: str, **changes: Any) -> ExerciseDefinition:
    """A strength exercise for beginners on a barbell, training the chest, unless `changes` say more."""
    values: dict[str, Any] = {
        "exercise_id": exercise_id,
        "name": name,
        "category": Category.STRENGTH,
        "level": Level.BEGINNER,
        "equipment": (Equipment.BARBELL,),
        "primary_muscles": (Muscle.CHEST,),
        **changes,
    }
    return ExerciseDefinition(**values)


CATALOGUE: tuple[ExerciseDefinition, ...] = (
    definition(
        "T_Bench_Press", "Bench Press",
        aliases=("Flat Bench",),
        secondary_muscles=(Muscle.TRICEPS, Muscle.SHOULDERS),
        patterns=(MovementPattern.HORIZONTAL_PUSH,),
        contraindications=(Contraindication.SUPINE_PROLONGED, Contraindication.HEAVY_ISOMETRIC_VALSALVA),
        level=Level.INTERMEDIATE,
        cues=("Shoulder blades back and down",),
        variations=("T_Incline_Dumbbell_Press",),
    ),
    definition(
        "T_Incline_Dumbbell_Press", "Incline Dumbbell Bench Press",
        equipment=(Equipment.DUMBBELL,),
        patterns=(MovementPattern.HORIZONTAL_PUSH,),
        contraindications=(Contraindication.SUPINE_PROLONGED,),
    ),
    definition(
        "T_Back_Squat", "Barbell Back Squat",
        primary_muscles=(Muscle.QUADRICEPS,), secondary_muscles=(Muscle.GLUTES,),
        patterns=(MovementPattern.SQUAT,),
        contraindications=(
            Contraindication.DEEP_KNEE_FLEXION_LOADED, Contraindication.SPINAL_COMPRESSION_HEAVY
        ),
        level=Level.INTERMEDIATE,
    ),
    definition(
        "T_Air_Squat", "Bodyweight Squat",
        aliases=("Air Squat",),
        equipment=(Equipment.BODY_ONLY,), primary_muscles=(Muscle.QUADRICEPS,),
        patterns=(MovementPattern.SQUAT,),
        contraindications=(Contraindication.DEEP_KNEE_FLEXION_LOADED,),
    ),
    definition(
        "T_Deadlift", "Barbell Deadlift",
        primary_muscles=(Muscle.LOWER_BACK,), secondary_muscles=(Muscle.HAMSTRINGS, Muscle.GLUTES),
        patterns=(MovementPattern.HINGE,),
        contraindications=(Contraindication.SPINAL_COMPRESSION_HEAVY, Contraindication.HEAVY_GRIP),
        level=Level.EXPERT, category=Category.POWERLIFTING,
    ),
    definition(
        "T_Shoulder_Press", "Dumbbell Shoulder Press",
        equipment=(Equipment.DUMBBELL,), primary_muscles=(Muscle.SHOULDERS,),
        secondary_muscles=(Muscle.TRICEPS,),
        patterns=(MovementPattern.VERTICAL_PUSH,),
        contraindications=(Contraindication.OVERHEAD_PRESSING,),
    ),
    definition(
        "T_Box_Jump", "Box Jump",
        equipment=(Equipment.OTHER,), primary_muscles=(Muscle.QUADRICEPS,),
        patterns=(MovementPattern.JUMP,), category=Category.PLYOMETRICS,
        contraindications=(Contraindication.JUMPING, Contraindication.FALL_RISK),
    ),
    definition(
        "T_Hamstring_Stretch", "Lying Hamstring Stretch",
        equipment=(Equipment.NONE,), primary_muscles=(Muscle.HAMSTRINGS,),
        patterns=(MovementPattern.MOBILITY,), category=Category.STRETCHING,
    ),
    definition(
        "T_Cable_Row", "Seated Cable Row",
        equipment=(Equipment.CABLE,), primary_muscles=(Muscle.MIDDLE_BACK,), secondary_muscles=(Muscle.LATS,),
        patterns=(MovementPattern.HORIZONTAL_PULL,),
    ),
    definition(
        "T_Curl_Press", "Dumbbell Curl to Press",
        equipment=(Equipment.DUMBBELL, Equipment.BANDS), primary_muscles=(Muscle.BICEPS,),
        secondary_muscles=(Muscle.SHOULDERS,),
        patterns=(MovementPattern.ISOLATION, MovementPattern.VERTICAL_PUSH),
        contraindications=(Contraindication.OVERHEAD_PRESSING,),
    ),
)  # fmt: skip
"""Ten exercises of our own making (ids prefixed `T_`), unlike any shipped data."""


def _metadata() -> CommandMetadata:
    return CommandMetadata(command_id=uuid.uuid4(), correlation_id=uuid.uuid4())


class Library:
    """Library commands through the real handler, at a clock that moves a second per command."""

    def __init__(self, store: EventStore) -> None:
        self._handler = CommandHandler(store, LIBRARY)
        self._clock = T0

    def _now(self) -> datetime:
        self._clock += timedelta(seconds=1)
        return self._clock

    async def define(self, *definitions: ExerciseDefinition) -> int:
        """Returns the position of the last event written."""
        position = 0
        for exercise in definitions:
            result = await self._handler.handle(
                DefineExercise(exercise=exercise, at=self._now()), _metadata()
            )
            position = result.position
        return position

    async def revise(self, exercise_id: str, changes: ExerciseChanges) -> int:
        command = ReviseExercise(exercise_id=exercise_id, changes=changes, at=self._now())
        return (await self._handler.handle(command, _metadata())).position

    async def retire(self, exercise_id: str, reason: str = "replaced by a safer variation") -> int:
        command = RetireExercise(exercise_id=exercise_id, reason=reason, at=self._now())
        return (await self._handler.handle(command, _metadata())).position


async def project(store: EventStore, url: str, *, batch: int = 500) -> int:
    """Apply every event after the library checkpoint, `batch` at a time, as the runner does; returns how
    many were applied."""
    projection = projection_named(LIBRARY_PROJECTION)
    applied = 0
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        cursor = await conn.execute(
            "SELECT position FROM projections.checkpoints WHERE name = %s", (LIBRARY_PROJECTION,)
        )
        row = await cursor.fetchone()
        after = int(row[0]) if row else 0
        while events := await store.read_all(after=after, limit=batch):
            applied += (await apply_batch(conn, projection, events)).applied
            after = events[-1].position
    return applied


async def rows(url: str, ids: Sequence[str] | None = None) -> dict[str, dict[str, Any]]:
    """The stored rows of `library.exercises`, every column, by id."""
    async with await psycopg.AsyncConnection.connect(url) as conn:
        cursor = conn.cursor(row_factory=psycopg.rows.dict_row)
        await cursor.execute(
            "SELECT * FROM library.exercises WHERE %(ids)s::text[] IS NULL OR id = ANY(%(ids)s::text[])",
            {"ids": None if ids is None else list(ids)},
        )
        return {row["id"]: row for row in await cursor.fetchall()}
