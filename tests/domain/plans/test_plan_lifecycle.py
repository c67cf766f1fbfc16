"""Creating, renaming and archiving a plan; commands on missing or archived plans."""

from __future__ import annotations

import pytest

from domain.actor import Actor
from domain.plans import decide
from domain.plans.errors import PlanAlreadyExists, PlanArchived, PlanNotFound
from domain.plans.events import WorkoutPlanArchived, WorkoutPlanCreated, WorkoutPlanRenamed
from domain.plans.values import Difficulty
from tests.domain.plans import (
    OWNER_ID,
    PLAN_ID,
    WHEN,
    add_exercise,
    added,
    archive,
    archived,
    create_plan,
    create_version,
    created,
    given,
    remove_exercise,
    rename,
    reorder,
    revert,
    update_exercise,
    versioned,
)


def test_creating_a_plan_records_who_created_it():
    events = decide(create_plan(actor=Actor.AI_COACH), given())

    assert events == [
        WorkoutPlanCreated(
            plan_id=PLAN_ID,
            owner_id=OWNER_ID,
            name="Leg day",
            description="Squats and friends",
            difficulty=Difficulty.INTERMEDIATE,
            duration_minutes=60,
            actor=Actor.AI_COACH,
            at=WHEN,
        )
    ]


def test_created_plan_state_starts_empty_and_unarchived():
    plan = given(created(actor=Actor.AI_COACH))

    assert plan is not None
    assert (plan.name, plan.exercises, plan.versions, plan.archived) == ("Leg day", (), (), False)
    assert plan.created_by is Actor.AI_COACH
    assert plan.created_at == plan.updated_at


def test_plan_names_and_descriptions_are_stored_stripped():
    [event] = decide(create_plan(name="  Leg day  ", description=" heavy \n"), given())

    assert isinstance(event, WorkoutPlanCreated)
    assert (event.name, event.description) == ("Leg day", "heavy")


def test_creating_an_existing_plan_fails():
    with pytest.raises(PlanAlreadyExists) as error:
        decide(create_plan(), given(created()))
    assert error.value.code == "ALREADY_EXISTS"


def test_creating_an_archived_plan_again_fails_too():
    with pytest.raises(PlanAlreadyExists):
        decide(create_plan(), given(created(), archived()))


@pytest.mark.parametrize(
    "command",
    [
        rename("Push day"),
        add_exercise("Barbell_Squat"),
        update_exercise("Barbell_Squat", sets=3),
        remove_exercise("Barbell_Squat"),
        reorder("Barbell_Squat"),
        create_version(),
        revert(1),
        archive(),
    ],
    ids=lambda command: type(command).__name__,
)
def test_any_command_on_a_missing_plan_is_not_found(command):
    with pytest.raises(PlanNotFound) as error:
        decide(command, given())
    assert error.value.code == "NOT_FOUND"


def test_renaming_records_the_new_name_and_actor():
    events = decide(rename(" Push day ", actor=Actor.AI_COACH), given(created()))

    assert events == [WorkoutPlanRenamed(plan_id=PLAN_ID, name="Push day", actor=Actor.AI_COACH, at=WHEN)]
    plan = given(created(), *events)
    assert plan is not None
    assert plan.name == "Push day"
    assert plan.updated_at == WHEN


def test_renaming_to_the_same_name_is_a_no_op():
    assert decide(rename("  Leg day "), given(created())) == []


def test_archiving_a_plan():
    events = decide(archive(actor=Actor.AI_COACH), given(created()))

    assert events == [WorkoutPlanArchived(plan_id=PLAN_ID, actor=Actor.AI_COACH, at=WHEN)]
    plan = given(created(), *events)
    assert plan is not None
    assert plan.archived


@pytest.mark.parametrize(
    "command",
    [
        rename("Push day"),
        add_exercise("Deadlift"),
        update_exercise("Barbell_Squat", sets=3),
        remove_exercise("Barbell_Squat"),
        reorder("Barbell_Squat"),
        create_version(),
        revert(1),
        archive(),
    ],
    ids=lambda command: type(command).__name__,
)
def test_an_archived_plan_accepts_no_changes(command):
    history = given(created(), added("Barbell_Squat"), versioned(1, "Barbell_Squat"), archived())

    with pytest.raises(PlanArchived) as error:
        decide(command, history)
    assert error.value.code == "PLAN_ARCHIVED"
