"""Variations: a few other exercises that train the same movement differently (`variations_of`). Pure.

Two exercises are variations of each other when they share their main movement pattern and their
primary muscles. Among those, ones with other equipment come first (they are what a user without a
barbell needs), then the closer level, then ids in order: deterministic, so a re-import of the same
source gives the same lists.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

from domain.library.values import Equipment, Level, MovementPattern, Muscle

MAX_VARIATIONS = 5
_LEVEL_RANK = {Level.BEGINNER: 0, Level.INTERMEDIATE: 1, Level.EXPERT: 2}


@dataclass(frozen=True, slots=True)
class VariationFacts:
    exercise_id: str
    main_pattern: MovementPattern
    primary_muscles: frozenset[Muscle]
    equipment: frozenset[Equipment]
    level: Level


def variations_of(exercises: Sequence[VariationFacts]) -> dict[str, tuple[str, ...]]:
    """For each exercise id, up to MAX_VARIATIONS ids of its variations (possibly none)."""
    groups: dict[tuple[MovementPattern, frozenset[Muscle]], list[VariationFacts]] = defaultdict(list)
    for exercise in exercises:
        groups[(exercise.main_pattern, exercise.primary_muscles)].append(exercise)
    result: dict[str, tuple[str, ...]] = {}
    for exercise in exercises:
        others = [
            other
            for other in groups[(exercise.main_pattern, exercise.primary_muscles)]
            if other.exercise_id != exercise.exercise_id
        ]
        others.sort(
            key=lambda other: (
                other.equipment == exercise.equipment,
                abs(_LEVEL_RANK[other.level] - _LEVEL_RANK[exercise.level]),
                other.exercise_id,
            )
        )
        result[exercise.exercise_id] = tuple(other.exercise_id for other in others[:MAX_VARIATIONS])
    return result
