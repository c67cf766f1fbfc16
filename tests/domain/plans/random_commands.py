"""Random WorkoutPlan command runs, valid and invalid mixed: a command drawn to fit the current state,
the decider's answer to it (events or error), and the invariants every state must keep."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import strategies as st

from domain.errors import DomainError
from domain.plans import Plan, decide, validation
from domain.plans.commands import (
    AddExercise,
    ArchiveWorkoutPlan,
    CreatePlanVersion,
    PlanCommand,
    RemoveExercise,
    RenameWorkoutPlan,
    ReorderExercises,
    RevertPlanToVersion,
    UpdateExercise,
)
from domain.plans.events import PlanEvent
from tests.domain.plans.builders import PLAN_ID, at, create_plan
from tests.domain.plans.strategies import (
    ACTORS,
    BAD_CHANGES,
    BAD_DESCRIPTIONS,
    BAD_NAMES,
    CHANGES,
    DESCRIPTIONS,
    EXERCISE_IDS,
    EXERCISE_POOL,
    NAMES,
    VALID_EXERCISES,
    invalid_exercises,
    mostly_valid,
)

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
