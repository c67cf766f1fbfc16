"""Spec helpers for WorkoutPlan tests: event and command builders, and Hypothesis command generators.

Tests read as: given these events, when this command, then these events (or this error).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import TypeVar
from uuid import UUID

from hypothesis import strategies as st

from domain import Plan, decide, fold, validation
from domain.commands import (
    AddExercise,
    ArchiveWorkoutPlan,
    CreatePlanVersion,
    CreateWorkoutPlan,
    ExerciseChanges,
    PlanCommand,
    RemoveExercise,
    RenameWorkoutPlan,
    ReorderExercises,
    RevertPlanToVersion,
    UpdateExercise,
)
from domain.errors import DomainError
from domain.events import (
    ExerciseAdded,
    PlanEvent,
    WorkoutPlanArchived,
    WorkoutPlanCreated,
    WorkoutVersionCreated,
)
from domain.values import Actor, Difficulty, PlannedExercise

PLAN_ID = UUID("6f1f6d4e-7f43-4c55-9a51-6b7c0e3a2d10")
OWNER_ID = UUID("0b8a2c1e-3d4f-4a5b-8c6d-7e8f9a0b1c2d")
T0 = datetime(2025, 3, 3, 7, 30, tzinfo=UTC)
T = TypeVar("T")


def at(minutes: int = 0) -> datetime:
    return T0 + timedelta(minutes=minutes)


def given(*events: PlanEvent) -> Plan | None:
    return fold(events)


def exercise(exercise_id: str = "Barbell_Squat", **overrides: object) -> PlannedExercise:
    base = PlannedExercise(exercise_id, exercise_id.replace("_", " "), 5, 5, 100.0, 180, "2-0-2-0", "", ())
    return replace(base, **overrides)  # type: ignore[arg-type]


# -- events -------------------------------------------------------------------------------------


def created(name: str = "Leg day", actor: Actor = Actor.USER) -> WorkoutPlanCreated:
    return WorkoutPlanCreated(
        plan_id=PLAN_ID,
        owner_id=OWNER_ID,
        name=name,
        description="Squats and friends",
        difficulty=Difficulty.INTERMEDIATE,
        duration_minutes=60,
        actor=actor,
        at=at(0),
    )


def added(item: str | PlannedExercise, minute: int = 1) -> ExerciseAdded:
    planned = exercise(item) if isinstance(item, str) else item
    return ExerciseAdded(plan_id=PLAN_ID, exercise=planned, actor=Actor.USER, at=at(minute))


def versioned(number: int, *exercise_ids: str, description: str = "snapshot") -> WorkoutVersionCreated:
    return WorkoutVersionCreated(
        plan_id=PLAN_ID,
        version_number=number,
        parent_version=number - 1 if number > 1 else None,
        exercises=tuple(exercise(exercise_id) for exercise_id in exercise_ids),
        change_description=description,
        actor=Actor.USER,
        at=at(10 + number),
    )


def archived() -> WorkoutPlanArchived:
    return WorkoutPlanArchived(plan_id=PLAN_ID, actor=Actor.USER, at=at(30))


# -- commands -----------------------------------------------------------------------------------

WHEN = at(60)


def create_plan(**overrides: object) -> CreateWorkoutPlan:
    base = CreateWorkoutPlan(
        plan_id=PLAN_ID,
        owner_id=OWNER_ID,
        name="Leg day",
        description="Squats and friends",
        difficulty=Difficulty.INTERMEDIATE,
        duration_minutes=60,
        actor=Actor.USER,
        at=WHEN,
    )
    return replace(base, **overrides)  # type: ignore[arg-type]


def rename(name: str, actor: Actor = Actor.USER) -> RenameWorkoutPlan:
    return RenameWorkoutPlan(plan_id=PLAN_ID, name=name, actor=actor, at=WHEN)


def add_exercise(item: str | PlannedExercise, actor: Actor = Actor.USER) -> AddExercise:
    planned = exercise(item) if isinstance(item, str) else item
    return AddExercise(plan_id=PLAN_ID, exercise=planned, actor=actor, at=WHEN)


def update_exercise(exercise_id: str, actor: Actor = Actor.USER, **changes: object) -> UpdateExercise:
    return UpdateExercise(
        plan_id=PLAN_ID,
        exercise_id=exercise_id,
        changes=ExerciseChanges(**changes),  # type: ignore[arg-type]
        actor=actor,
        at=WHEN,
    )


def remove_exercise(exercise_id: str) -> RemoveExercise:
    return RemoveExercise(plan_id=PLAN_ID, exercise_id=exercise_id, actor=Actor.USER, at=WHEN)


def reorder(*exercise_ids: str) -> ReorderExercises:
    return ReorderExercises(plan_id=PLAN_ID, exercise_ids=exercise_ids, actor=Actor.USER, at=WHEN)


def create_version(description: str = "Week 1", actor: Actor = Actor.USER) -> CreatePlanVersion:
    return CreatePlanVersion(plan_id=PLAN_ID, change_description=description, actor=actor, at=WHEN)


def revert(version_number: int, actor: Actor = Actor.USER) -> RevertPlanToVersion:
    return RevertPlanToVersion(plan_id=PLAN_ID, version_number=version_number, actor=actor, at=WHEN)


def archive(actor: Actor = Actor.USER) -> ArchiveWorkoutPlan:
    return ArchiveWorkoutPlan(plan_id=PLAN_ID, actor=actor, at=WHEN)


# -- Hypothesis: random command sequences, valid and invalid mixed -------------------------------

EXERCISE_POOL = tuple(f"Exercise_{index}" for index in range(24))
EXERCISE_IDS = st.sampled_from(EXERCISE_POOL)
ACTORS = st.sampled_from(list(Actor))
NAMES = st.sampled_from(["Push day", "Leg day", "  Pull day ", "x" * 120])
BAD_NAMES = st.sampled_from(["", "   ", "x" * 121])
WEIGHTS = st.floats(0, 1000) | st.sampled_from([0.0, 1000.0, 62.5])
TEMPOS = st.sampled_from([None, "2-0-2-0", "3-1-1-0", "10-0-10-0"])
NOTES = st.sampled_from(["", "slow negatives", "n" * 1000])
ALTERNATIVES = st.lists(st.sampled_from(["Front_Squat", "Leg_Press", "a" * 120]), max_size=10).map(tuple)

VALID_EXERCISES = st.builds(
    PlannedExercise,
    exercise_id=EXERCISE_IDS,
    name=st.sampled_from(["Squat", " Bench press "]),
    sets=st.integers(1, 20),
    reps=st.integers(1, 100),
    weight_kg=WEIGHTS,
    rest_seconds=st.integers(0, 900),
    tempo=TEMPOS,
    notes=NOTES,
    alternatives=ALTERNATIVES,
)
# One field out of bounds at a time, so each rule is reached on its own.
BAD_FIELDS: dict[str, st.SearchStrategy[object]] = {
    "exercise_id": st.sampled_from(["", " padded", "i" * 101]),
    "name": BAD_NAMES,
    "sets": st.sampled_from([0, 21, -3]),
    "reps": st.sampled_from([0, 101]),
    "weight_kg": st.sampled_from([-0.5, 1000.5, float("nan"), float("inf")]),
    "rest_seconds": st.sampled_from([-1, 901]),
    "tempo": st.sampled_from(["", "2-0-2", "a-b-c-d", "123-0-0-0"]),
    "notes": st.just("n" * 1001),
    "alternatives": st.sampled_from([(" ",), ("a" * 121,), ("Alt",) * 11]),
}


@st.composite
def invalid_exercises(draw: st.DrawFn) -> PlannedExercise:
    field = draw(st.sampled_from(sorted(BAD_FIELDS)))
    return replace(draw(VALID_EXERCISES), **{field: draw(BAD_FIELDS[field])})  # type: ignore[arg-type]


def mostly_valid(valid: st.SearchStrategy[T], invalid: st.SearchStrategy[T]) -> st.SearchStrategy[T]:
    return st.sampled_from(range(8)).flatmap(lambda roll: invalid if roll == 0 else valid)


CHANGES = st.builds(
    ExerciseChanges,
    name=st.none() | st.sampled_from(["Squat", "Deep squat"]),
    sets=st.none() | st.integers(1, 20),
    reps=st.none() | st.integers(1, 100),
    weight_kg=st.none() | WEIGHTS,
    rest_seconds=st.none() | st.integers(0, 900),
    tempo=st.none() | st.sampled_from(["", "2-0-2-0", "4-0-1-0"]),
    notes=st.none() | NOTES,
    alternatives=st.none() | ALTERNATIVES,
)
BAD_CHANGES = st.sampled_from(
    [
        ExerciseChanges(sets=0),
        ExerciseChanges(reps=101),
        ExerciseChanges(weight_kg=float("nan")),
        ExerciseChanges(rest_seconds=-1),
        ExerciseChanges(tempo="fast"),
        ExerciseChanges(name=" "),
        ExerciseChanges(alternatives=("",)),
    ]
)
DESCRIPTIONS = st.sampled_from(["Week 2", " deload "])
BAD_DESCRIPTIONS = st.sampled_from(["", "  ", "d" * 501])
KINDS = [
    "create",
    "rename",
    *["add"] * 12,
    "update",
    "update",
    "remove",
    "reorder",
    "reorder",
    "version",
    "revert",
]
STEPS = st.sampled_from(range(1, 81))
ARCHIVE_AT = st.none() | st.integers(0, 80)


def draw_command(data: st.DataObject, state: Plan | None, step: int, archive_at: int | None) -> PlanCommand:
    """One command that fits `state` often enough to reach deep states, and is often invalid too.

    The plan is archived at step `archive_at` (if any), so that runs are not cut short too early.
    """
    if step == archive_at:
        kind = "archive"
    elif state is None:
        kind = data.draw(mostly_valid(st.just("create"), st.sampled_from(KINDS)))
    else:
        kind = data.draw(st.sampled_from(KINDS))
    actor, when = data.draw(ACTORS), at(100 + step)
    current = state.exercise_ids if state is not None else ()
    known_ids = mostly_valid(st.sampled_from(current), EXERCISE_IDS) if current else EXERCISE_IDS
    match kind:
        case "create":
            name = data.draw(mostly_valid(NAMES, BAD_NAMES))
            return replace(create_plan(name=name, actor=actor), at=when)
        case "rename":
            name = data.draw(mostly_valid(NAMES, BAD_NAMES))
            return RenameWorkoutPlan(plan_id=PLAN_ID, name=name, actor=actor, at=when)
        case "add":
            planned = data.draw(mostly_valid(VALID_EXERCISES, invalid_exercises()))
            free = [exercise_id for exercise_id in EXERCISE_POOL if exercise_id not in current]
            if free and planned.exercise_id in EXERCISE_POOL:
                fresh = st.sampled_from(free)
                new_id = data.draw(mostly_valid(fresh, st.sampled_from(current)) if current else fresh)
                planned = replace(planned, exercise_id=new_id)
            return AddExercise(plan_id=PLAN_ID, exercise=planned, actor=actor, at=when)
        case "update":
            exercise_id, changes = data.draw(known_ids), data.draw(mostly_valid(CHANGES, BAD_CHANGES))
            return UpdateExercise(
                plan_id=PLAN_ID, exercise_id=exercise_id, changes=changes, actor=actor, at=when
            )
        case "remove":
            return RemoveExercise(plan_id=PLAN_ID, exercise_id=data.draw(known_ids), actor=actor, at=when)
        case "reorder":
            some_ids = st.lists(EXERCISE_IDS, max_size=4).map(tuple)
            order = data.draw(mostly_valid(st.permutations(current).map(tuple), some_ids))
            return ReorderExercises(plan_id=PLAN_ID, exercise_ids=order, actor=actor, at=when)
        case "version":
            description = data.draw(mostly_valid(DESCRIPTIONS, BAD_DESCRIPTIONS))
            return CreatePlanVersion(plan_id=PLAN_ID, change_description=description, actor=actor, at=when)
        case "revert":
            latest = (state.latest_version or 0) if state is not None else 0
            number = data.draw(mostly_valid(st.integers(1, max(latest, 1)), st.sampled_from([0, latest + 1])))
            return RevertPlanToVersion(plan_id=PLAN_ID, version_number=number, actor=actor, at=when)
        case _:
            assert kind == "archive"
            return ArchiveWorkoutPlan(plan_id=PLAN_ID, actor=actor, at=when)


def decide_or_error(command: PlanCommand, state: Plan | None) -> list[PlanEvent] | DomainError:
    try:
        return decide(command, state)
    except DomainError as error:
        return error


def assert_invariants(plan: Plan | None) -> None:
    if plan is None:
        return
    ids = plan.exercise_ids
    assert len(ids) <= validation.MAX_EXERCISES
    assert len(set(ids)) == len(ids)
    assert all(validation.exercise(planned) == planned for planned in plan.exercises)
    for index, version in enumerate(plan.versions):
        assert version.number == index + 1
        assert version.parent == (index or None)
    assert plan.name == plan.name.strip()
    assert 0 < len(plan.name) <= validation.MAX_PLAN_NAME
