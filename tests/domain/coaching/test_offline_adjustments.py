"""The offline coach's "make it easier / harder": which messages ask it, and the cautious steps it takes."""

from __future__ import annotations

from uuid import uuid4

import pytest

from domain.coaching.offline.adjustments import EASIEST, HARDEST, adjusted, adjustments
from domain.coaching.offline.topics import Request, request_in
from domain.coaching.values import SuggestionKind
from domain.plans.values import PlannedExercise


def planned(exercise_id: str, sets: int, reps: int) -> PlannedExercise:
    return PlannedExercise(exercise_id, exercise_id, sets=sets, reps=reps, weight_kg=40.0, rest_seconds=90)


@pytest.mark.parametrize(
    ("message", "request_"),
    [
        ("make it easier", Request.EASIER),
        ("Can you make my leg day a bit easier?", Request.EASIER),
        ("this workout is way too hard", Request.EASIER),
        ("the plan feels too much for me right now", Request.EASIER),
        ("let's dial it back this week", Request.EASIER),
        ("make my squats harder", Request.HARDER),
        ("this is too easy", Request.HARDER),
        ("time to step it up", Request.HARDER),
        ("make the routine more challenging", Request.HARDER),
        ("does caffeine make it harder to sleep?", None),
        ("is it harder to build muscle after 40?", None),
        ("squats were hard today", None),
        ("build me a leg day", Request.BUILD_WORKOUT),
    ],
)
def test_which_messages_ask_for_an_easier_or_harder_plan(message: str, request_: Request | None) -> None:
    assert request_in(message) is request_


def test_a_step_is_a_set_then_two_reps_and_never_past_the_limits() -> None:
    assert adjusted(planned("Squat", 4, 8), Request.EASIER) == (
        planned("Squat", 3, 8),
        "one set fewer, same reps and weight",
    )
    assert adjusted(planned("Squat", EASIEST[0], 6), Request.EASIER) == (
        planned("Squat", 2, 5),
        "1 rep fewer a set",
    )
    assert adjusted(planned("Squat", *EASIEST), Request.EASIER) is None
    assert adjusted(planned("Squat", 3, 8), Request.HARDER) == (
        planned("Squat", 4, 8),
        "one set more, same reps and weight",
    )
    assert adjusted(planned("Squat", HARDEST[0], 14), Request.HARDER) == (
        planned("Squat", 5, 15),
        "1 rep more a set",
    )
    assert adjusted(planned("Squat", *HARDEST), Request.HARDER) is None


def test_each_exercise_a_step_remains_for_is_one_update_in_the_plans_order() -> None:
    exercises = [planned("Squat", 3, 8), planned("Curl", *EASIEST), planned("Row", 4, 10)]
    found = adjustments(exercises, Request.EASIER, [uuid4() for _ in exercises])
    assert [(s.kind, s.replaces) for s in found] == [
        (SuggestionKind.UPDATE_EXERCISE, "Squat"),
        (SuggestionKind.UPDATE_EXERCISE, "Row"),
    ]
    assert all(s.exercise is not None and s.exercise.exercise_id == s.replaces for s in found)
