"""The check after the model: suggestions that break the user's restrictions, equipment, the library or
the plan's rules are dropped with a note, never shown."""

from __future__ import annotations

from uuid import uuid4

from domain.coaching.suggestion_checks import ExerciseFacts, check_suggestions
from domain.coaching.values import Direction, SafetyAction, SafetyCategory, Suggestion, SuggestionKind
from domain.library.availability import availability_of
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
    anyone = availability_of([], [])
    full_plan = [f"Exercise_{n}" for n in range(20)]
    assert check_suggestions([add("Cable_Row")], LIBRARY, anyone, full_plan).suggestions == ()
    assert check_suggestions([add("Cable_Row")], LIBRARY, anyone, ["Cable_Row"]).suggestions == ()
    twice = check_suggestions([add("Cable_Row"), add("Cable_Row")], LIBRARY, anyone, [])
    assert len(twice.suggestions) == 1
    assert len(twice.triggers) == 1
    assert check_suggestions([add("Cable_Row", sets=99)], LIBRARY, anyone, []).suggestions == ()


def test_a_replacement_must_name_an_exercise_of_the_plan() -> None:
    anyone = availability_of([], [])
    assert (
        check_suggestions([swap("Back_Squat", "Glute_Bridge")], LIBRARY, anyone, ["Back_Squat"]).triggers
        == ()
    )
    missing = check_suggestions([swap("Leg_Press", "Glute_Bridge")], LIBRARY, anyone, ["Back_Squat"])
    assert missing.suggestions == ()
    assert missing.triggers[0].category is SafetyCategory.PLAN_RULES


def test_an_unrecognised_injury_still_restricts_the_cautious_set() -> None:
    unsure = availability_of(["my thing from last year"], [])
    checked = check_suggestions([add("Box_Jump"), add("Glute_Bridge")], LIBRARY, unsure, [])
    assert [s.exercise.exercise_id for s in checked.suggestions if s.exercise] == ["Glute_Bridge"]
    assert checked.triggers[0].category is SafetyCategory.CONTRAINDICATED_EXERCISE
