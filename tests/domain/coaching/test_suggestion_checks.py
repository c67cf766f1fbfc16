"""The check after the model: suggestions that break the user's restrictions, equipment, the library or
the plan's rules are dropped with a note, never shown."""

from __future__ import annotations

from uuid import uuid4

import pytest

from domain.coaching.suggestion_checks import ExerciseFacts, check_suggestions
from domain.coaching.values import (
    Direction,
    PlanAt,
    SafetyAction,
    SafetyCategory,
    Suggestion,
    SuggestionKind,
)
from domain.library.availability import Availability, availability_of
from domain.library.contraindications import Contraindication as T
from domain.library.values import Equipment as E
from domain.plans.values import PlannedExercise

LIBRARY = {
    facts.exercise_id: facts
    for facts in (
        ExerciseFacts(
            "Back_Squat", "Back Squat", (E.BARBELL,), (T.DEEP_KNEE_FLEXION_LOADED, T.SPINAL_COMPRESSION_HEAVY)
        ),
        ExerciseFacts("Glute_Bridge", "Glute Bridge", (E.BODY_ONLY,), (T.SUPINE_PROLONGED,)),
        ExerciseFacts("Cable_Row", "Seated Cable Row", (E.CABLE,), ()),
        ExerciseFacts("Band_Pull_Apart", "Band Pull-Apart", (E.BANDS,), ()),
        ExerciseFacts("Box_Jump", "Box Jump", (E.OTHER,), (T.JUMPING, T.FALL_RISK)),
        ExerciseFacts("Old_Machine", "Old Machine", (E.MACHINE,), (), retired=True),
    )
}
HOME_WITH_BANDS = availability_of([], ["resistance bands"])
MENISCUS = availability_of(["knee (meniscus surgery 6 weeks ago)"], [])


ANYONE = availability_of([], [])


def planned(*exercise_ids: str) -> list[PlannedExercise]:
    """A plan's exercises, 3 x 10 at 20 kg, 60 s rest."""
    return [
        PlannedExercise(
            exercise_id, exercise_id.replace("_", " "), sets=3, reps=10, weight_kg=20.0, rest_seconds=60
        )
        for exercise_id in exercise_ids
    ]


def update(exercise_id: str, *, sets: int = 3, reps: int = 10, weight_kg: float = 20.0) -> Suggestion:
    (current,) = planned(exercise_id)
    exercise = PlannedExercise(
        exercise_id, current.name, sets=sets, reps=reps, weight_kg=weight_kg, rest_seconds=60
    )
    return Suggestion(
        suggestion_id=uuid4(),
        kind=SuggestionKind.UPDATE_EXERCISE,
        exercise=exercise,
        replaces=exercise_id,
        against=PlanAt(uuid4(), 3),
    )


def reorder(*exercise_ids: str) -> Suggestion:
    return Suggestion(
        suggestion_id=uuid4(),
        kind=SuggestionKind.REORDER_EXERCISES,
        order=exercise_ids,
        against=PlanAt(uuid4(), 3),
    )


def add(exercise_id: str, *, sets: int = 3, name: str = "whatever the model said") -> Suggestion:
    exercise = PlannedExercise(exercise_id, name, sets=sets, reps=10, weight_kg=0.0, rest_seconds=60)
    return Suggestion(suggestion_id=uuid4(), kind=SuggestionKind.ADD_EXERCISE, exercise=exercise)


def swap(replaces: str, exercise_id: str) -> Suggestion:
    exercise = PlannedExercise(exercise_id, "", sets=3, reps=10, weight_kg=0.0, rest_seconds=60)
    return Suggestion(
        suggestion_id=uuid4(), kind=SuggestionKind.REPLACE_EXERCISE, exercise=exercise, replaces=replaces
    )


def test_suitable_suggestions_pass_with_the_library_name() -> None:
    checked = check_suggestions([add("Band_Pull_Apart")], LIBRARY, HOME_WITH_BANDS, [])
    assert checked.triggers == ()
    assert [s.exercise.name for s in checked.suggestions if s.exercise] == ["Band Pull-Apart"]


def test_a_contraindicated_exercise_is_dropped_and_noted() -> None:
    checked = check_suggestions([add("Back_Squat"), add("Cable_Row")], LIBRARY, MENISCUS, [])
    assert [s.exercise.exercise_id for s in checked.suggestions if s.exercise] == ["Cable_Row"]
    (trigger,) = checked.triggers
    assert trigger.category is SafetyCategory.CONTRAINDICATED_EXERCISE
    assert (trigger.action, trigger.direction) == (SafetyAction.DROP_SUGGESTION, Direction.OUTPUT)
    assert "deep_knee_flexion_loaded" in trigger.note


def test_an_exercise_needing_missing_equipment_is_dropped() -> None:
    checked = check_suggestions([add("Cable_Row")], LIBRARY, HOME_WITH_BANDS, [])
    assert checked.suggestions == ()
    assert checked.triggers[0].category is SafetyCategory.UNAVAILABLE_EQUIPMENT


def test_unknown_and_retired_exercises_are_dropped() -> None:
    checked = check_suggestions(
        [add("Made_Up_Move"), add("Old_Machine")], LIBRARY, availability_of([], []), []
    )
    assert checked.suggestions == ()
    assert [t.category for t in checked.triggers] == [SafetyCategory.PLAN_RULES] * 2


def test_duplicates_the_plan_limit_and_bounds_are_the_plans_rules() -> None:
    full_plan = planned(*(f"Exercise_{n}" for n in range(20)))
    assert check_suggestions([add("Cable_Row")], LIBRARY, ANYONE, full_plan).suggestions == ()
    assert check_suggestions([add("Cable_Row")], LIBRARY, ANYONE, planned("Cable_Row")).suggestions == ()
    twice = check_suggestions([add("Cable_Row"), add("Cable_Row")], LIBRARY, ANYONE, [])
    assert len(twice.suggestions) == 1
    assert len(twice.triggers) == 1
    assert check_suggestions([add("Cable_Row", sets=99)], LIBRARY, ANYONE, []).suggestions == ()


def test_a_replacement_must_name_an_exercise_of_the_plan() -> None:
    plan = planned("Back_Squat")
    assert check_suggestions([swap("Back_Squat", "Glute_Bridge")], LIBRARY, ANYONE, plan).triggers == ()
    missing = check_suggestions([swap("Leg_Press", "Glute_Bridge")], LIBRARY, ANYONE, plan)
    assert missing.suggestions == ()
    assert missing.triggers[0].category is SafetyCategory.PLAN_RULES


def test_an_unrecognised_injury_still_restricts_the_cautious_set() -> None:
    unsure = availability_of(["my thing from last year"], [])
    checked = check_suggestions([add("Box_Jump"), add("Glute_Bridge")], LIBRARY, unsure, [])
    assert [s.exercise.exercise_id for s in checked.suggestions if s.exercise] == ["Glute_Bridge"]
    assert checked.triggers[0].category is SafetyCategory.CONTRAINDICATED_EXERCISE


def test_an_update_within_bounds_of_an_exercise_of_the_plan_passes_with_its_plan_name() -> None:
    checked = check_suggestions([update("Cable_Row", sets=4)], LIBRARY, ANYONE, planned("Cable_Row"))
    assert checked.triggers == ()
    [kept] = checked.suggestions
    assert kept.exercise is not None
    assert (kept.exercise.name, kept.exercise.sets) == ("Cable Row", 4)


def test_an_update_of_an_exercise_the_library_lacks_is_checked_against_the_plan_only() -> None:
    plan = planned("Grandmas_Stretch")
    assert check_suggestions([update("Grandmas_Stretch", reps=12)], LIBRARY, ANYONE, plan).triggers == ()


@pytest.mark.parametrize(
    ("proposed", "availability", "category", "note"),
    [
        (update("Leg_Press", sets=4), ANYONE, SafetyCategory.PLAN_RULES, "not in the plan"),
        (update("Cable_Row"), ANYONE, SafetyCategory.PLAN_RULES, "changes nothing"),
        (update("Cable_Row", reps=500), ANYONE, SafetyCategory.PLAN_RULES, "out of bounds (exercise.reps)"),
        (update("Cable_Row", weight_kg=-5), ANYONE, SafetyCategory.PLAN_RULES, "exercise.weight_kg"),
        (update("Cable_Row", sets=5), HOME_WITH_BANDS, SafetyCategory.UNAVAILABLE_EQUIPMENT, "equipment"),
        (update("Back_Squat", sets=5), MENISCUS, SafetyCategory.CONTRAINDICATED_EXERCISE, "deep_knee"),
    ],
    ids=["not in the plan", "no change", "reps", "weight", "equipment", "contraindicated"],
)
def test_an_update_is_dropped_when_it_breaks_a_rule_or_does_not_suit_the_user(
    proposed: Suggestion, availability: Availability, category: SafetyCategory, note: str
) -> None:
    checked = check_suggestions([proposed], LIBRARY, availability, planned("Cable_Row", "Back_Squat"))
    assert checked.suggestions == ()
    [trigger] = checked.triggers
    assert (trigger.category, trigger.action) == (category, SafetyAction.DROP_SUGGESTION)
    assert note in trigger.note


def test_a_second_update_is_checked_against_the_first() -> None:
    plan = planned("Cable_Row")
    checked = check_suggestions(
        [update("Cable_Row", sets=4), update("Cable_Row", sets=4)], LIBRARY, ANYONE, plan
    )
    assert len(checked.suggestions) == 1
    assert "changes nothing" in checked.triggers[0].note


@pytest.mark.parametrize(
    ("order", "note"),
    [
        (("Glute_Bridge", "Back_Squat", "Back_Squat"), "twice"),
        (("Glute_Bridge", "Back_Squat"), "exactly the plan's exercises"),
        (("Glute_Bridge", "Back_Squat", "Leg_Press"), "exactly the plan's exercises"),
        (("Back_Squat", "Glute_Bridge", "Cable_Row"), "already"),
    ],
    ids=["duplicate", "one left out", "one not in the plan", "same order"],
)
def test_a_reorder_must_list_the_plans_exercises_once_each_in_a_new_order(
    order: tuple[str, ...], note: str
) -> None:
    plan = planned("Back_Squat", "Glute_Bridge", "Cable_Row")
    checked = check_suggestions([reorder(*order)], LIBRARY, ANYONE, plan)
    assert checked.suggestions == ()
    assert note in checked.triggers[0].note
    good = check_suggestions([reorder("Cable_Row", "Back_Squat", "Glute_Bridge")], LIBRARY, ANYONE, plan)
    assert (len(good.suggestions), good.triggers) == (1, ())


def test_a_reorder_after_an_addition_in_the_same_reply_lists_the_added_exercise_too() -> None:
    plan = planned("Back_Squat")
    checked = check_suggestions(
        [add("Glute_Bridge"), reorder("Glute_Bridge", "Back_Squat")], LIBRARY, ANYONE, plan
    )
    assert [s.kind for s in checked.suggestions] == [
        SuggestionKind.ADD_EXERCISE,
        SuggestionKind.REORDER_EXERCISES,
    ]
