"""The terms the tagging rules are written in: an exercise's facts (`ExerciseFacts`) and a condition over
them (`When`), so each rule in `pattern_rules` and `contraindication_rules` reads as one line of data.

Name keywords match at the start of a word of the normalised name (lower case, apostrophes dropped,
anything else that is not a letter or digit turned into a space): "squat" matches "Squats" and
"Front Squat (Clean Grip)" but not "Sissysquat"; "push up" matches "Push-Ups"; "row" matches "Rowing".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from domain.library.contraindications import Contraindication
from domain.library.values import Category, Equipment, Force, Mechanic, MovementPattern, Muscle

_NOT_WORD = re.compile(r"[^a-z0-9]+")


@lru_cache(maxsize=8192)
def normalised(text: str) -> str:
    """`text` as the rules see it, padded with spaces: " farmers walk "."""
    words = _NOT_WORD.sub(" ", text.lower().replace("'", "")).split()
    return f" {' '.join(words)} "


@dataclass(frozen=True, slots=True, kw_only=True)
class ExerciseFacts:
    """What the upstream data says about an exercise: the only input of the tagging rules."""

    exercise_id: str
    name: str
    category: Category
    force: Force | None
    mechanic: Mechanic | None
    equipment: tuple[Equipment, ...]
    primary_muscles: tuple[Muscle, ...]
    secondary_muscles: tuple[Muscle, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class When:
    """A condition on the facts; every field that is set must hold (an empty field means "any")."""

    name_any: tuple[str, ...] = ()
    """At least one of these keywords starts a word of the name."""
    name_none: tuple[str, ...] = ()
    """None of these keywords starts a word of the name."""
    categories: frozenset[Category] = frozenset()
    not_categories: frozenset[Category] = frozenset()
    equipment: frozenset[Equipment] = frozenset()
    """The exercise uses at least one of these."""
    primary: frozenset[Muscle] = frozenset()
    """A primary muscle is one of these."""
    mechanic: Mechanic | None = None
    forces: frozenset[Force] = frozenset()
    patterns: frozenset[MovementPattern] = frozenset()
    """Contraindication rules only: the exercise has one of these patterns (derived before)."""
    tagged: frozenset[Contraindication] = frozenset()
    """Contraindication rules only: an earlier rule gave the exercise one of these tags."""

    def holds(
        self,
        facts: ExerciseFacts,
        patterns: frozenset[MovementPattern] = frozenset(),
        tagged: frozenset[Contraindication] = frozenset(),
    ) -> bool:
        name = normalised(facts.name)
        return (
            (not self.name_any or any(_has_word(name, keyword) for keyword in self.name_any))
            and not any(_has_word(name, keyword) for keyword in self.name_none)
            and (not self.categories or facts.category in self.categories)
            and facts.category not in self.not_categories
            and (not self.equipment or not self.equipment.isdisjoint(facts.equipment))
            and (not self.primary or not self.primary.isdisjoint(facts.primary_muscles))
            and (self.mechanic is None or facts.mechanic == self.mechanic)
            and (not self.forces or facts.force in self.forces)
            and (not self.patterns or not self.patterns.isdisjoint(patterns))
            and (not self.tagged or not self.tagged.isdisjoint(tagged))
        )


def _has_word(name: str, keyword: str) -> bool:
    return normalised(keyword).rstrip() in name


@dataclass(frozen=True, slots=True)
class PatternRule:
    when: When
    pattern: MovementPattern
    why: str


@dataclass(frozen=True, slots=True)
class ContraindicationRule:
    when: When
    tags: tuple[Contraindication, ...]
    why: str
