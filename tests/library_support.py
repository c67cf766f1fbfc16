"""The small exercise library every test and benchmark that adds exercises to plans runs on.

Plans take only exercises the library offers, so the API tests (`tests.api.server.running_api`) and the
GraphQL benchmark define this library in their database before anything else, through the real command
path. The ids are made up ("Test_" and a name) so they can never collide with the shipped library. Defining
it again changes nothing: each definition has a command id of its own, derived from the exercise id.
"""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID, uuid5

from application.eventstore import EventStore
from application.handler import CommandHandler, CommandMetadata
from domain.actor import Actor
from domain.library.commands import DefineExercise
from domain.library.contraindications import Contraindication as C
from domain.library.decider import LIBRARY
from domain.library.values import Category, Equipment, ExerciseDefinition, Level, MovementPattern, Muscle

NAMESPACE = UUID("6f1e4c1a-3b9d-4c55-9a51-7d2f0e8b9c11")
DEFINED_AT = datetime(2026, 1, 1, tzinfo=UTC)
SQUAT, BENCH, ROW, PRESS, DEADLIFT = (
    "Test_Back_Squat",
    "Test_Bench_Press",
    "Test_Bent_Over_Row",
    "Test_Overhead_Press",
    "Test_Deadlift",
)


def _exercise(
    exercise_id: str,
    name: str,
    equipment: tuple[Equipment, ...],
    primary: tuple[Muscle, ...],
    patterns: tuple[MovementPattern, ...],
    contraindications: tuple[C, ...] = (),
    *,
    category: Category = Category.STRENGTH,
    level: Level = Level.INTERMEDIATE,
) -> ExerciseDefinition:
    return ExerciseDefinition(
        exercise_id=exercise_id,
        name=name,
        category=category,
        level=level,
        equipment=equipment,
        primary_muscles=primary,
        patterns=patterns,
        contraindications=contraindications,
    )


E, M, P = Equipment, Muscle, MovementPattern
TEST_LIBRARY: tuple[ExerciseDefinition, ...] = (
    _exercise(SQUAT, "Back squat", (E.BARBELL,), (M.QUADRICEPS,), (P.SQUAT,), (C.DEEP_KNEE_FLEXION_LOADED,)),
    _exercise(BENCH, "Bench press", (E.BARBELL,), (M.CHEST,), (P.HORIZONTAL_PUSH,), (C.SUPINE_PROLONGED,)),
    _exercise(ROW, "Bent-over row", (E.BARBELL,), (M.MIDDLE_BACK,), (P.HORIZONTAL_PULL,)),
    _exercise(
        PRESS, "Overhead press", (E.BARBELL,), (M.SHOULDERS,), (P.VERTICAL_PUSH,), (C.OVERHEAD_PRESSING,)
    ),
    _exercise(DEADLIFT, "Deadlift", (E.BARBELL,), (M.HAMSTRINGS,), (P.HINGE,), (C.HEAVY_GRIP,)),
    _exercise("Test_Pull_Up", "Pull-up", (E.BODY_ONLY,), (M.LATS,), (P.VERTICAL_PULL,)),
    _exercise("Test_Push_Up", "Push-up", (E.BODY_ONLY,), (M.CHEST,), (P.HORIZONTAL_PUSH,)),
    _exercise("Test_Lunge", "Walking lunge", (E.DUMBBELL,), (M.QUADRICEPS,), (P.LUNGE,)),
    _exercise(
        "Test_Plank", "Plank", (E.BODY_ONLY,), (M.ABDOMINALS,), (P.CORE_STABILITY,), level=Level.BEGINNER
    ),
    _exercise("Test_Glute_Bridge", "Glute bridge", (E.BODY_ONLY,), (M.GLUTES,), (P.HINGE,)),
    _exercise("Test_Biceps_Curl", "Biceps curl", (E.DUMBBELL,), (M.BICEPS,), (P.ISOLATION,)),
    _exercise("Test_Triceps_Pushdown", "Triceps pushdown", (E.CABLE,), (M.TRICEPS,), (P.ISOLATION,)),
    _exercise("Test_Calf_Raise", "Standing calf raise", (E.MACHINE,), (M.CALVES,), (P.ISOLATION,)),
    _exercise("Test_Leg_Press", "Leg press", (E.MACHINE,), (M.QUADRICEPS,), (P.SQUAT,)),
    _exercise("Test_Lat_Pulldown", "Lat pulldown", (E.CABLE,), (M.LATS,), (P.VERTICAL_PULL,)),
    _exercise(
        "Test_Farmers_Walk", "Farmer's walk", (E.DUMBBELL,), (M.FOREARMS,), (P.CARRY,), (C.HEAVY_GRIP,)
    ),
    _exercise("Test_Box_Jump", "Box jump", (E.OTHER,), (M.QUADRICEPS,), (P.JUMP,), (C.JUMPING,)),
    _exercise("Test_Crunch", "Crunch", (E.BODY_ONLY,), (M.ABDOMINALS,), (P.CORE_FLEXION,)),
    _exercise("Test_Lateral_Raise", "Lateral raise", (E.DUMBBELL,), (M.SHOULDERS,), (P.ISOLATION,)),
    _exercise(
        "Test_Hip_Stretch",
        "Kneeling hip stretch",
        (E.NONE,),
        (M.GLUTES,),
        (P.MOBILITY,),
        category=Category.STRETCHING,
    ),
)
TEST_EXERCISE_IDS: tuple[str, ...] = tuple(exercise.exercise_id for exercise in TEST_LIBRARY)
"""20 ids: as many as a plan can hold."""
NAMES: dict[str, str] = {exercise.exercise_id: exercise.name for exercise in TEST_LIBRARY}


async def define_test_library(store: EventStore) -> None:
    """Define `TEST_LIBRARY` in `store` (a repeat changes nothing)."""
    handler = CommandHandler(store, LIBRARY)
    for exercise in TEST_LIBRARY:
        command_id = uuid5(NAMESPACE, exercise.exercise_id)
        await handler.handle(
            DefineExercise(exercise=exercise, at=DEFINED_AT, actor=Actor.SYSTEM),
            CommandMetadata(command_id=command_id, correlation_id=command_id),
        )


async def define_test_library_at(database_url: str) -> None:
    """Define `TEST_LIBRARY` in the PostgreSQL event store at `database_url` (migrated already)."""
    from adapters.postgres.store import PostgresEventStore

    store = await PostgresEventStore.connect(database_url, min_size=1, max_size=1)
    try:
        await define_test_library(store)
    finally:
        await store.close()
