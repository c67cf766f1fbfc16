"""Adding, updating, removing and reordering the exercises of a plan."""

from __future__ import annotations

from dataclasses import replace

import pytest

from domain.actor import Actor
from domain.plans import decide, validation
from domain.plans.commands import UpdateExercise
from domain.plans.errors import DuplicateExercise, ExerciseNotFound, InvalidOrder, TooManyExercises
from domain.plans.events import ExerciseAdded, ExerciseRemoved, ExercisesReordered, ExerciseUpdated
from tests.domain.plans import (
    PLAN_ID,
    WHEN,
    add_exercise,
    added,
    created,
    exercise,
    given,
    remove_exercise,
    reorder,
    update_exercise,
)


def test_adding_an_exercise_records_it_with_the_actor():
    events = decide(add_exercise("Barbell_Squat", actor=Actor.AI_COACH), given(created()))

    assert events == [
        ExerciseAdded(plan_id=PLAN_ID, exercise=exercise("Barbell_Squat"), actor=Actor.AI_COACH, at=WHEN)
    ]
    plan = given(created(), *events)
    assert plan is not None
    assert plan.exercises == (exercise("Barbell_Squat"),)


def test_added_exercises_keep_their_order():
    plan = given(created(), added("Barbell_Squat"), added("Deadlift"), added("Plank"))

    assert plan is not None
    assert plan.exercise_ids == ("Barbell_Squat", "Deadlift", "Plank")


def test_added_exercise_texts_are_stripped_and_weight_is_a_float():
    [event] = decide(add_exercise(exercise(name="  Squat ", weight_kg=60)), given(created()))

    assert isinstance(event, ExerciseAdded)
    assert event.exercise.name == "Squat"
    assert isinstance(event.exercise.weight_kg, float)


def test_a_plan_holds_at_most_twenty_exercises():
    history = given(created(), *[added(f"Exercise_{index}") for index in range(validation.MAX_EXERCISES)])

    with pytest.raises(TooManyExercises) as error:
        decide(add_exercise("One_Too_Many"), history)
    assert error.value.code == "TOO_MANY_EXERCISES"


def test_the_twentieth_exercise_is_still_accepted():
    history = given(created(), *[added(f"Exercise_{index}") for index in range(validation.MAX_EXERCISES - 1)])

    assert len(decide(add_exercise("Exercise_19"), history)) == 1


def test_an_exercise_cannot_appear_twice():
    with pytest.raises(DuplicateExercise) as error:
        decide(add_exercise(exercise("Barbell_Squat", sets=3)), given(created(), added("Barbell_Squat")))
    assert (error.value.code, error.value.field) == ("DUPLICATE_EXERCISE", "exercise_id")


def test_updating_an_exercise_carries_the_full_exercise_and_changed_fields():
    history = given(created(), added("Barbell_Squat"))

    events = decide(update_exercise("Barbell_Squat", actor=Actor.AI_COACH, sets=3, weight_kg=110), history)

    updated = exercise("Barbell_Squat", sets=3, weight_kg=110.0)
    assert events == [
        ExerciseUpdated(
            plan_id=PLAN_ID,
            exercise=updated,
            changed_fields=("sets", "weight_kg"),
            actor=Actor.AI_COACH,
            at=WHEN,
        )
    ]
    plan = given(created(), added("Barbell_Squat"), *events)
    assert plan is not None
    assert plan.exercises == (updated,)


def test_an_empty_tempo_clears_it():
    [event] = decide(update_exercise("Barbell_Squat", tempo=""), given(created(), added("Barbell_Squat")))

    assert isinstance(event, ExerciseUpdated)
    assert event.exercise.tempo is None
    assert event.changed_fields == ("tempo",)


@pytest.mark.parametrize(
    "changes",
    [{}, {"sets": 5}, {"name": " Barbell Squat "}, {"weight_kg": 100}, {"tempo": "2-0-2-0"}],
    ids=["nothing", "same-sets", "same-name-padded", "same-weight-as-int", "same-tempo"],
)
def test_an_update_that_changes_nothing_is_a_no_op(changes):
    assert decide(update_exercise("Barbell_Squat", **changes), given(created(), added("Barbell_Squat"))) == []


def test_updating_a_missing_exercise_fails():
    with pytest.raises(ExerciseNotFound) as error:
        decide(update_exercise("Deadlift", sets=3), given(created(), added("Barbell_Squat")))
    assert error.value.code == "EXERCISE_NOT_FOUND"


def test_removing_an_exercise():
    history = given(created(), added("Barbell_Squat"), added("Deadlift"))

    events = decide(remove_exercise("Barbell_Squat"), history)

    assert events == [
        ExerciseRemoved(plan_id=PLAN_ID, exercise_id="Barbell_Squat", actor=Actor.USER, at=WHEN)
    ]
    plan = given(created(), added("Barbell_Squat"), added("Deadlift"), *events)
    assert plan is not None
    assert plan.exercise_ids == ("Deadlift",)


def test_removing_a_missing_exercise_fails():
    with pytest.raises(ExerciseNotFound):
        decide(remove_exercise("Deadlift"), given(created(), added("Barbell_Squat")))


def test_a_removed_exercise_can_be_added_again():
    removal = ExerciseRemoved(plan_id=PLAN_ID, exercise_id="Barbell_Squat", actor=Actor.USER, at=WHEN)
    history = given(created(), added("Barbell_Squat"), removal)

    assert len(decide(add_exercise("Barbell_Squat"), history)) == 1


def test_reordering_exercises():
    three = (created(), added("A"), added("B"), added("C"))

    events = decide(reorder("C", "A", "B"), given(*three))

    assert events == [
        ExercisesReordered(plan_id=PLAN_ID, exercise_ids=("C", "A", "B"), actor=Actor.USER, at=WHEN)
    ]
    plan = given(*three, *events)
    assert plan is not None
    assert plan.exercise_ids == ("C", "A", "B")


def test_reordering_to_the_same_order_is_a_no_op():
    assert decide(reorder("A", "B"), given(created(), added("A"), added("B"))) == []


@pytest.mark.parametrize(
    "order",
    [("A",), ("A", "B", "C"), ("A", "A"), ("A", "B", "B"), ("A", "X"), ()],
    ids=["missing-one", "unknown-extra", "repeated", "repeated-extra", "unknown-swapped", "empty"],
)
def test_reorder_must_be_an_exact_permutation(order):
    with pytest.raises(InvalidOrder) as error:
        decide(reorder(*order), given(created(), added("A"), added("B")))
    assert error.value.code == "INVALID_ORDER"


def swap(exercise_id: str, new_exercise_id: str, **changes: object) -> UpdateExercise:
    command = update_exercise(exercise_id, Actor.USER, **changes)
    return replace(command, changes=replace(command.changes, exercise_id=new_exercise_id))


def test_swapping_in_another_exercise_keeps_its_place_and_prescription():
    history = given(created(), added(exercise("Barbell_Squat", sets=5)), added("Deadlift"), added("Plank"))

    events = decide(swap("Barbell_Squat", "Front_Squat", name="Front squat"), history)

    swapped = exercise("Front_Squat", name="Front squat", sets=5)
    assert events == [
        ExerciseRemoved(plan_id=PLAN_ID, exercise_id="Barbell_Squat", actor=Actor.USER, at=WHEN),
        ExerciseAdded(plan_id=PLAN_ID, exercise=swapped, actor=Actor.USER, at=WHEN),
        ExercisesReordered(
            plan_id=PLAN_ID, exercise_ids=("Front_Squat", "Deadlift", "Plank"), actor=Actor.USER, at=WHEN
        ),
    ]
    plan = given(
        created(), added(exercise("Barbell_Squat", sets=5)), added("Deadlift"), added("Plank"), *events
    )
    assert plan is not None
    assert plan.exercises[0] == swapped


def test_swapping_the_last_exercise_needs_no_reorder():
    events = decide(swap("Plank", "Side_Plank"), given(created(), added("Squat"), added("Plank")))

    assert [type(event) for event in events] == [ExerciseRemoved, ExerciseAdded]


def test_an_exercise_cannot_be_swapped_for_one_the_plan_holds():
    with pytest.raises(DuplicateExercise):
        decide(swap("Squat", "Plank"), given(created(), added("Squat"), added("Plank")))


def test_naming_the_same_id_is_an_ordinary_update():
    events = decide(swap("Squat", "Squat", sets=4), given(created(), added("Squat")))

    assert [(type(event), event.exercise.sets) for event in events if isinstance(event, ExerciseUpdated)] == [
        (ExerciseUpdated, 4)
    ]
    assert len(events) == 1
