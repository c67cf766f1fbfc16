"""Hypothesis strategies for WorkoutPlan values: names, exercises and exercise changes, valid and
(one field out of bounds at a time) invalid, and `mostly_valid` to mix the two."""

from __future__ import annotations

from dataclasses import replace
from typing import TypeVar

from hypothesis import strategies as st

from domain.actor import Actor
from domain.plans.commands import ExerciseChanges
from domain.plans.values import PlannedExercise

T = TypeVar("T")

EXERCISE_POOL = tuple(f"Exercise_{index}" for index in range(24))
EXERCISE_IDS = st.sampled_from(EXERCISE_POOL)
ACTORS = st.sampled_from([Actor.USER, Actor.AI_COACH])
"""Who changes plans: users and the coach (`Actor.SYSTEM` only loads the shipped library)."""
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
