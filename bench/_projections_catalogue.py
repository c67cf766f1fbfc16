"""What the benchmark's plans are made of: exercises, names and descriptions, and how a coach or user
changes an exercise over time."""

from __future__ import annotations

import random

from domain.plans.commands import ExerciseChanges
from domain.plans.values import PlannedExercise

# (catalogue id, sets, reps, starting weight in kg, rest in seconds, alternatives)
_ENTRIES = (
    ("Barbell_Back_Squat", 5, 5, 100.0, 180, ("Front_Squat", "Goblet_Squat")),
    ("Front_Squat", 4, 6, 80.0, 150, ("Barbell_Back_Squat",)),
    ("Romanian_Deadlift", 3, 8, 90.0, 150, ("Good_Morning", "Single_Leg_RDL")),
    ("Conventional_Deadlift", 3, 5, 140.0, 240, ("Trap_Bar_Deadlift",)),
    ("Bench_Press", 5, 5, 80.0, 180, ("Dumbbell_Bench_Press", "Push_Up")),
    ("Incline_Dumbbell_Press", 3, 10, 28.0, 120, ("Incline_Bench_Press",)),
    ("Overhead_Press", 4, 6, 50.0, 150, ("Seated_Dumbbell_Press",)),
    ("Pull_Up", 4, 8, 0.0, 120, ("Lat_Pulldown", "Chin_Up")),
    ("Chin_Up", 3, 8, 0.0, 120, ("Pull_Up",)),
    ("Barbell_Row", 4, 8, 70.0, 120, ("Pendlay_Row", "Cable_Row")),
    ("Cable_Row", 3, 12, 55.0, 90, ("Barbell_Row",)),
    ("Lat_Pulldown", 3, 12, 60.0, 90, ("Pull_Up",)),
    ("Hip_Thrust", 3, 10, 110.0, 120, ("Glute_Bridge",)),
    ("Bulgarian_Split_Squat", 3, 10, 20.0, 90, ("Walking_Lunge", "Reverse_Lunge")),
    ("Walking_Lunge", 3, 12, 16.0, 90, ("Bulgarian_Split_Squat",)),
    ("Leg_Press", 3, 12, 180.0, 120, ("Hack_Squat",)),
    ("Leg_Curl", 3, 12, 40.0, 60, ("Nordic_Curl",)),
    ("Leg_Extension", 3, 15, 45.0, 60, ()),
    ("Standing_Calf_Raise", 4, 15, 60.0, 60, ("Seated_Calf_Raise",)),
    ("Dumbbell_Lateral_Raise", 3, 15, 10.0, 60, ("Cable_Lateral_Raise",)),
    ("Face_Pull", 3, 15, 25.0, 60, ("Reverse_Fly",)),
    ("Barbell_Curl", 3, 10, 30.0, 60, ("Dumbbell_Curl", "Hammer_Curl")),
    ("Triceps_Pushdown", 3, 12, 30.0, 60, ("Skull_Crusher",)),
    ("Dips", 3, 10, 0.0, 90, ("Close_Grip_Bench_Press",)),
    ("Plank", 3, 1, 0.0, 60, ("Dead_Bug",)),
    ("Hanging_Leg_Raise", 3, 12, 0.0, 60, ("Cable_Crunch",)),
    ("Farmers_Carry", 4, 1, 32.0, 90, ("Suitcase_Carry",)),
    ("Kettlebell_Swing", 4, 15, 24.0, 60, ("Hip_Thrust",)),
)
CATALOGUE: tuple[PlannedExercise, ...] = tuple(
    PlannedExercise(
        exercise_id=entry_id,
        name=entry_id.replace("_", " "),
        sets=sets,
        reps=reps,
        weight_kg=weight,
        rest_seconds=rest,
        tempo="3-1-1-0" if weight >= 50 else None,
        notes="",
        alternatives=alternatives,
    )
    for entry_id, sets, reps, weight, rest, alternatives in _ENTRIES
)
PLAN_NAMES = (
    "Upper/Lower Strength",
    "Full Body Foundations",
    "Push Pull Legs",
    "5x5 Strength Base",
    "Hypertrophy Block",
    "Marathon Support Strength",
    "Home Dumbbell Circuit",
    "Powerlifting Peak",
)
DESCRIPTIONS = (
    "Four sessions a week, compound lifts first, accessories after.",
    "Three full-body sessions; add weight when every set hits the top of the rep range.",
    "A six-week block building volume, then a deload week.",
    "",
)
CHANGE_DESCRIPTIONS = (
    "Weekly progression",
    "Deload week",
    "Swapped accessories after coach review",
    "New training block",
    "Adjusted for a sore shoulder",
)
NOTES = (
    "Keep the bar path vertical.",
    "Stop two reps short of failure.",
    "Pause one second at the bottom.",
    "Film the last set for form review.",
    "Warm up with two lighter sets first.",
)


def random_exercise(rng: random.Random, taken: set[str]) -> PlannedExercise:
    """A catalogue exercise that is not in `taken` (the plan's live exercise ids)."""
    return rng.choice([exercise for exercise in CATALOGUE if exercise.exercise_id not in taken])


def progressed(rng: random.Random, current: PlannedExercise) -> ExerciseChanges:
    """A change that always differs from `current`: mostly load progression, sometimes volume or notes."""
    roll = rng.random()
    if roll < 0.55:
        step = 2.5 if current.weight_kg < 300 else -10.0
        return ExerciseChanges(weight_kg=current.weight_kg + step)
    if roll < 0.75:
        return ExerciseChanges(reps=current.reps % 12 + 1)
    if roll < 0.85:
        return ExerciseChanges(sets=current.sets % 6 + 1)
    if roll < 0.92:
        return ExerciseChanges(rest_seconds=(current.rest_seconds + 30) % 300)
    notes = rng.choice([note for note in NOTES if note != current.notes])
    return ExerciseChanges(notes=notes, tempo="" if current.tempo else "2-0-2-0")
