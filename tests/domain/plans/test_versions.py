"""Numbered snapshots of the exercise list, and reverting to one without rewriting history."""

from __future__ import annotations

import pytest

from domain.actor import Actor
from domain.errors import ValidationError
from domain.plans import decide
from domain.plans.errors import VersionNotFound
from domain.plans.events import WorkoutPlanReverted, WorkoutVersionCreated
from tests.domain.plans import (
    PLAN_ID,
    WHEN,
    added,
    create_version,
    created,
    exercise,
    given,
    revert,
    versioned,
)


def test_the_first_version_is_number_one_without_parent():
    events = decide(create_version("Week 1", actor=Actor.AI_COACH), given(created(), added("A"), added("B")))

    assert events == [
        WorkoutVersionCreated(
            plan_id=PLAN_ID,
            version_number=1,
            parent_version=None,
            exercises=(exercise("A"), exercise("B")),
            change_description="Week 1",
            actor=Actor.AI_COACH,
            at=WHEN,
        )
    ]


def test_each_next_version_has_the_previous_as_parent():
    [event] = decide(create_version("Week 3"), given(created(), versioned(1), added("A"), versioned(2, "A")))

    assert isinstance(event, WorkoutVersionCreated)
    assert (event.version_number, event.parent_version) == (3, 2)


def test_a_version_can_snapshot_an_empty_plan():
    [event] = decide(create_version(), given(created()))

    assert isinstance(event, WorkoutVersionCreated)
    assert event.exercises == ()


def test_versions_are_kept_in_the_state_with_their_author():
    plan = given(
        created(), added("A"), *decide(create_version("Week 1", Actor.AI_COACH), given(created(), added("A")))
    )

    assert plan is not None
    [version] = plan.versions
    assert (version.number, version.parent, version.exercises) == (1, None, (exercise("A"),))
    assert (version.change_description, version.changed_by, version.created_at) == (
        "Week 1",
        Actor.AI_COACH,
        WHEN,
    )


@pytest.mark.parametrize("description", ["", "   ", "d" * 501])
def test_a_version_needs_a_short_non_empty_description(description):
    with pytest.raises(ValidationError) as error:
        decide(create_version(description), given(created()))
    assert error.value.field == "change_description"


def test_reverting_restores_the_snapshot_and_creates_a_new_version():
    history = (created(), added("A"), versioned(1, "A"), added("B"), versioned(2, "A", "B"), added("C"))

    events = decide(revert(1, actor=Actor.AI_COACH), given(*history))

    assert events == [
        WorkoutPlanReverted(
            plan_id=PLAN_ID, to_version=1, exercises=(exercise("A"),), actor=Actor.AI_COACH, at=WHEN
        ),
        WorkoutVersionCreated(
            plan_id=PLAN_ID,
            version_number=3,
            parent_version=2,
            exercises=(exercise("A"),),
            change_description="Reverted to version 1",
            actor=Actor.AI_COACH,
            at=WHEN,
        ),
    ]
    plan = given(*history, *events)
    assert plan is not None
    assert plan.exercise_ids == ("A",)
    assert [version.number for version in plan.versions] == [1, 2, 3]
    assert plan.versions[1].exercises == (exercise("A"), exercise("B")), "history is never rewritten"


def test_reverting_to_the_latest_version_still_records_a_new_version():
    events = decide(revert(1), given(created(), added("A"), versioned(1, "A")))

    assert [type(event) for event in events] == [WorkoutPlanReverted, WorkoutVersionCreated]


@pytest.mark.parametrize("number", [0, 3, -1])
def test_reverting_to_an_unknown_version_fails(number):
    with pytest.raises(VersionNotFound) as error:
        decide(revert(number), given(created(), versioned(1), versioned(2)))
    assert error.value.code == "VERSION_NOT_FOUND"


def test_reverting_without_any_version_fails():
    with pytest.raises(VersionNotFound):
        decide(revert(1), given(created(), added("A")))
