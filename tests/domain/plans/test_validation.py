"""Bounds on every input field: invalid commands raise VALIDATION naming the field, and emit nothing."""

from __future__ import annotations

from datetime import datetime

import pytest

from domain.errors import ValidationError
from domain.plans import decide
from tests.domain.plans import (
    add_exercise,
    added,
    create_plan,
    created,
    exercise,
    given,
    rename,
    update_exercise,
)

NAN, INF = float("nan"), float("inf")

VALID_EXERCISES = [
    exercise(sets=1, reps=1, weight_kg=0, rest_seconds=0, tempo=None),
    exercise(sets=20, reps=100, weight_kg=1000, rest_seconds=900, tempo="10-0-10-0"),
    exercise(name="n" * 120, notes="n" * 1000, alternatives=tuple("a" * 120 for _ in range(10))),
    exercise("i" * 100),
    exercise(notes="Tab\tand\nnewlines are fine\r\n, and so is emoji \U0001f4aa"),
]

INVALID_EXERCISES = [
    ("exercise.exercise_id", exercise("")),
    ("exercise.exercise_id", exercise(" Barbell_Squat")),
    ("exercise.exercise_id", exercise("i" * 101)),
    ("exercise.name", exercise(name="   ")),
    ("exercise.name", exercise(name="n" * 121)),
    ("exercise.sets", exercise(sets=0)),
    ("exercise.sets", exercise(sets=21)),
    ("exercise.sets", exercise(sets=True)),
    ("exercise.reps", exercise(reps=0)),
    ("exercise.reps", exercise(reps=101)),
    ("exercise.weight_kg", exercise(weight_kg=-0.1)),
    ("exercise.weight_kg", exercise(weight_kg=1000.01)),
    ("exercise.weight_kg", exercise(weight_kg=NAN)),
    ("exercise.weight_kg", exercise(weight_kg=INF)),
    ("exercise.weight_kg", exercise(weight_kg=-INF)),
    ("exercise.rest_seconds", exercise(rest_seconds=-1)),
    ("exercise.rest_seconds", exercise(rest_seconds=901)),
    ("exercise.tempo", exercise(tempo="")),
    ("exercise.tempo", exercise(tempo="2-0-2")),
    ("exercise.tempo", exercise(tempo="2-0-2-0-1")),
    ("exercise.tempo", exercise(tempo="123-0-2-0")),
    ("exercise.tempo", exercise(tempo="X-0-2-0")),
    ("exercise.tempo", exercise(tempo="٢-0-2-0")),
    ("exercise.tempo", exercise(tempo="2-0-2-0\n")),
    ("exercise.notes", exercise(notes="n" * 1001)),
    ("exercise.alternatives", exercise(alternatives=tuple("Alt" for _ in range(11)))),
    ("exercise.alternatives", exercise(alternatives=("a" * 121,))),
    ("exercise.alternatives", exercise(alternatives=(" ",))),
]


@pytest.mark.parametrize(
    "valid",
    VALID_EXERCISES,
    ids=["lower-bounds", "upper-bounds", "long-texts", "long-id", "whitespace-and-emoji"],
)
def test_exercises_at_the_bounds_are_accepted(valid):
    assert len(decide(add_exercise(valid), given(created()))) == 1


@pytest.mark.parametrize(("field", "invalid"), INVALID_EXERCISES, ids=[f for f, _ in INVALID_EXERCISES])
def test_exercises_out_of_bounds_are_rejected(field, invalid):
    with pytest.raises(ValidationError) as error:
        decide(add_exercise(invalid), given(created()))
    assert (error.value.code, error.value.field) == ("VALIDATION", field)


@pytest.mark.parametrize(
    ("field", "invalid"),
    [
        ("exercise.name", exercise(name="Squat\x00")),
        ("exercise.notes", exercise(notes="bell\x07")),
        ("exercise.notes", exercise(notes="half a pair \ud83d")),
        ("exercise.notes", exercise(notes="next line\x85")),
        ("exercise.name", exercise(name="Squat \u202eright to left")),
    ],
)
def test_exercise_texts_with_a_disallowed_character_are_rejected_with_their_own_code(field, invalid):
    with pytest.raises(ValidationError) as error:
        decide(add_exercise(invalid), given(created()))
    assert (error.value.code, error.value.field) == ("DISALLOWED_CHARACTER", field)


@pytest.mark.parametrize(
    ("field", "changes"),
    [
        ("changes.sets", {"sets": 0}),
        ("changes.reps", {"reps": 101}),
        ("changes.weight_kg", {"weight_kg": NAN}),
        ("changes.rest_seconds", {"rest_seconds": 1000}),
        ("changes.tempo", {"tempo": "slow"}),
        ("changes.name", {"name": " "}),
        ("changes.notes", {"notes": "n" * 1001}),
        ("changes.alternatives", {"alternatives": ("",)}),
    ],
)
def test_updates_out_of_bounds_are_rejected(field, changes):
    with pytest.raises(ValidationError) as error:
        decide(update_exercise("Barbell_Squat", **changes), given(created(), added("Barbell_Squat")))
    assert error.value.field == field


@pytest.mark.parametrize(
    ("field", "command"),
    [
        ("name", create_plan(name="")),
        ("name", create_plan(name=" \t ")),
        ("name", create_plan(name="n" * 121)),
        ("description", create_plan(description="d" * 2001)),
        ("duration_minutes", create_plan(duration_minutes=0)),
        ("duration_minutes", create_plan(duration_minutes=601)),
        ("difficulty", create_plan(difficulty="expert")),
        ("at", create_plan(at=datetime(2025, 3, 3, 7, 30))),
    ],
)
def test_plan_fields_out_of_bounds_are_rejected(field, command):
    with pytest.raises(ValidationError) as error:
        decide(command, given())
    assert error.value.field == field


def test_plan_fields_at_the_bounds_are_accepted():
    command = create_plan(name="n" * 120, description="d" * 2000, duration_minutes=600)

    assert len(decide(command, given())) == 1
    assert len(decide(create_plan(duration_minutes=1, description=""), given())) == 1


@pytest.mark.parametrize("name", ["", "   ", "n" * 121])
def test_rename_needs_a_short_non_empty_name(name):
    with pytest.raises(ValidationError) as error:
        decide(rename(name), given(created()))
    assert error.value.field == "name"
