"""Workouts and swaps the offline coach builds from library exercises, deterministically.

The caller passes `candidates`: library exercises already filtered to what this user may do (their
restrictions and equipment). What is built here are `Suggestion`s; the check after the model
(`domain.coaching.suggestion_checks`) still runs on them, as it does on a model's.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from uuid import UUID

from domain.coaching.safety.text import normalised
from domain.coaching.values import Suggestion, SuggestionKind
from domain.library.values import Category, ExerciseDefinition, Level, Mechanic, MovementPattern, Muscle
from domain.plans.values import PlannedExercise

M = Muscle

REGIONS: tuple[tuple[str, tuple[Muscle, ...]], ...] = (
    (r"\b(legs?|leg day|lower body|lower)\b", (M.QUADRICEPS, M.HAMSTRINGS, M.GLUTES, M.CALVES)),
    (r"\b(upper body|upper)\b", (M.CHEST, M.LATS, M.SHOULDERS, M.MIDDLE_BACK, M.TRICEPS, M.BICEPS)),
    (r"\bpush\b", (M.CHEST, M.SHOULDERS, M.TRICEPS)),
    (r"\bpull\b", (M.LATS, M.MIDDLE_BACK, M.BICEPS, M.TRAPS)),
    (r"\b(chest|pecs?)\b", (M.CHEST, M.TRICEPS)),
    (r"\bback\b", (M.LATS, M.MIDDLE_BACK, M.LOWER_BACK)),
    (r"\b(arms?|biceps?|triceps?)\b", (M.BICEPS, M.TRICEPS, M.FOREARMS)),
    (r"\bshoulders?\b", (M.SHOULDERS, M.TRAPS)),
    (r"\b(core|abs?|abdominals?)\b", (M.ABDOMINALS, M.LOWER_BACK)),
    (r"\bglutes?\b", (M.GLUTES, M.HAMSTRINGS)),
)
FULL_BODY = (M.QUADRICEPS, M.CHEST, M.LATS, M.HAMSTRINGS, M.SHOULDERS, M.ABDOMINALS)
WORKOUT_SIZE = 5

P = MovementPattern
FITTING_PATTERNS: dict[Muscle, frozenset[MovementPattern]] = {
    M.QUADRICEPS: frozenset({P.SQUAT, P.LUNGE}),
    M.HAMSTRINGS: frozenset({P.HINGE, P.ISOLATION}),
    M.GLUTES: frozenset({P.HINGE, P.LUNGE, P.SQUAT}),
    M.CALVES: frozenset({P.ISOLATION}),
    M.CHEST: frozenset({P.HORIZONTAL_PUSH}),
    M.LATS: frozenset({P.VERTICAL_PULL}),
    M.MIDDLE_BACK: frozenset({P.HORIZONTAL_PULL}),
    M.LOWER_BACK: frozenset({P.HINGE}),
    M.TRAPS: frozenset({P.HORIZONTAL_PULL, P.CARRY, P.ISOLATION}),
    M.SHOULDERS: frozenset({P.VERTICAL_PUSH, P.ISOLATION}),
    M.TRICEPS: frozenset({P.ISOLATION, P.VERTICAL_PUSH, P.HORIZONTAL_PUSH}),
    M.BICEPS: frozenset({P.ISOLATION}),
    M.FOREARMS: frozenset({P.ISOLATION, P.CARRY}),
    M.ABDOMINALS: frozenset({P.CORE_STABILITY, P.CORE_FLEXION, P.ROTATION}),
}
"""The movement patterns that train a muscle the way a coach would program it (an Olympic lift is not
a hamstring exercise, battle ropes are not a shoulder exercise)."""

STAPLES = frozenset(
    {
        "Barbell_Squat", "Goblet_Squat", "Bodyweight_Squat", "Leg_Press", "Dumbbell_Lunges",
        "Barbell_Deadlift", "Romanian_Deadlift", "Stiff-Legged_Dumbbell_Deadlift", "Butt_Lift_Bridge",
        "Barbell_Glute_Bridge", "Lying_Leg_Curls", "Leg_Extensions", "Standing_Calf_Raises",
        "Barbell_Bench_Press_-_Medium_Grip", "Dumbbell_Bench_Press", "Pushups", "Pullups", "Chin-Up",
        "Wide-Grip_Lat_Pulldown", "Inverted_Row", "Seated_Cable_Rows", "One-Arm_Dumbbell_Row",
        "Bent_Over_Barbell_Row", "Dumbbell_Shoulder_Press", "Side_Lateral_Raise", "Face_Pull",
        "Dumbbell_Bicep_Curl", "Triceps_Pushdown", "Plank", "Crunches", "Dead_Bug",
    }
)  # fmt: skip
"""Well-known exercises of the shipped library, offered before lesser-known ones that fit as well."""

_PRESCRIPTION: dict[Level, tuple[int, int, int]] = {
    Level.BEGINNER: (3, 10, 90),
    Level.INTERMEDIATE: (3, 8, 120),
    Level.EXPERT: (4, 6, 150),
}
"""Sets, reps and rest seconds by the user's level."""
_LEVEL_ORDER = (Level.BEGINNER, Level.INTERMEDIATE, Level.EXPERT)
_TRAINING = frozenset({Category.STRENGTH, Category.POWERLIFTING})


@dataclass(frozen=True, slots=True)
class Workout:
    muscles: tuple[Muscle, ...]
    suggestions: tuple[Suggestion, ...]


def muscles_asked(message: str) -> tuple[Muscle, ...]:
    """The muscles a request names ("leg day", "upper body", "push"), in order; the full body if none."""
    text = normalised(message)
    found: list[Muscle] = []
    for pattern, muscles in REGIONS:
        if re.search(pattern, text):
            found.extend(muscle for muscle in muscles if muscle not in found)
    return tuple(found) or FULL_BODY


def build_workout(
    message: str,
    candidates: Sequence[ExerciseDefinition],
    level: Level,
    suggestion_ids: Sequence[UUID],
    *,
    already_planned: Sequence[str] = (),
) -> Workout:
    """Up to WORKOUT_SIZE exercises for the muscles asked, one per muscle in turn, compound lifts first,
    each of a movement pattern not yet used where possible."""
    muscles = muscles_asked(message)
    usable = [c for c in candidates if c.category in _TRAINING and c.exercise_id not in already_planned]
    chosen: list[ExerciseDefinition] = []
    for muscle in muscles * 2:  # one per muscle in turn, twice round at most
        if len(chosen) == WORKOUT_SIZE:
            break
        pick = _best_for(muscle, usable, chosen, level)
        if pick is not None:
            chosen.append(pick)
    sets, reps, rest = _PRESCRIPTION[level]
    suggestions = tuple(
        Suggestion(
            suggestion_id=suggestion_id,
            kind=SuggestionKind.ADD_EXERCISE,
            exercise=PlannedExercise(exercise.exercise_id, exercise.name, sets, reps, 0.0, rest),
            reason=f"trains your {exercise.primary_muscles[0].value.replace('_', ' ')}",
        )
        for suggestion_id, exercise in zip(suggestion_ids, chosen, strict=False)
    )
    return Workout(muscles, suggestions)


def swap_for(
    target: ExerciseDefinition,
    candidates: Sequence[ExerciseDefinition],
    level: Level,
    suggestion_id: UUID,
    *,
    already_planned: Sequence[str] = (),
) -> Suggestion | None:
    """The closest candidate to `target`: a shared movement pattern and primary muscle, then level."""
    shared = [
        c
        for c in candidates
        if c.exercise_id != target.exercise_id
        and c.exercise_id not in already_planned
        and set(c.primary_muscles) & set(target.primary_muscles)
        and c.category in _TRAINING
    ]
    if not shared:
        return None
    best = min(
        shared,
        key=lambda c: (
            not (set(c.patterns) & set(target.patterns)),
            c.exercise_id not in STAPLES,
            c.mechanic != target.mechanic,
            _level_gap(c.level, level),
            len(c.name),
            c.exercise_id,
        ),
    )
    sets, reps, rest = _PRESCRIPTION[level]
    return Suggestion(
        suggestion_id=suggestion_id,
        kind=SuggestionKind.REPLACE_EXERCISE,
        exercise=PlannedExercise(best.exercise_id, best.name, sets, reps, 0.0, rest),
        replaces=target.exercise_id,
        reason=f"works the same {target.primary_muscles[0].value.replace('_', ' ')} with what you have",
    )


def mentioned(message: str, exercises: Sequence[ExerciseDefinition]) -> ExerciseDefinition | None:
    """The exercise `message` names best ("swap barbell rows" -> "Bent Over Barbell Row"), by shared
    words of its name; None when no exercise shares two words, or one word of a one-word name."""
    said = _words(message)
    best: tuple[int, int, str] | None = None
    found: ExerciseDefinition | None = None
    for exercise in exercises:
        name = _words(exercise.name)
        shared = len(said & name)
        if shared >= min(2, len(name)):
            score = (shared, -len(name), exercise.exercise_id)
            if best is None or score > best:
                best, found = score, exercise
    return found


def _best_for(
    muscle: Muscle, usable: Sequence[ExerciseDefinition], chosen: Sequence[ExerciseDefinition], level: Level
) -> ExerciseDefinition | None:
    """The exercise that trains `muscle` the usual way, a staple first, a compound lift before an
    isolation one, a pattern the workout does not have yet, at the user's level."""
    fitting = FITTING_PATTERNS.get(muscle, frozenset())
    used_patterns = {pattern for exercise in chosen for pattern in exercise.patterns}
    options = [
        c for c in usable if muscle in c.primary_muscles and c not in chosen and fitting & set(c.patterns)
    ]
    if not options:
        return None
    return min(
        options,
        key=lambda c: (
            _level_gap(c.level, level) > 1,
            c.exercise_id not in STAPLES,
            c.mechanic is not Mechanic.COMPOUND,
            bool(set(c.patterns) & used_patterns),
            _level_gap(c.level, level),
            len(c.name),
            c.exercise_id,
        ),
    )


def _level_gap(exercise: Level, user: Level) -> int:
    """How far an exercise's level is from the user's; harder counts double."""
    gap = _LEVEL_ORDER.index(exercise) - _LEVEL_ORDER.index(user)
    return gap * 2 if gap > 0 else -gap


def _words(text: str) -> set[str]:
    return {word.rstrip("s") for word in re.findall(r"[a-z]+", normalised(text)) if len(word) > 2}
