"""An exercise's movement patterns and contraindication tags, from its facts (`tags_of`). Pure.

The rules are data: `pattern_rules`, `contraindication_rules`, corrected by `tag_overrides`. Nothing here
reads a file; the adapter that reads the free-exercise-db builds the `ExerciseFacts`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from domain.library.contraindication_rules import CONTRAINDICATION_RULES
from domain.library.contraindications import Contraindication
from domain.library.matching import ExerciseFacts
from domain.library.pattern_rules import FALLBACK_RULES, PATTERN_RULES
from domain.library.tag_overrides import TAG_OVERRIDES
from domain.library.values import MovementPattern

__all__ = ["ExerciseFacts", "Tags", "tags_of"]


@dataclass(frozen=True, slots=True)
class Tags:
    patterns: tuple[MovementPattern, ...]
    """Never empty; the first is the main pattern."""
    contraindications: tuple[Contraindication, ...]


def tags_of(facts: ExerciseFacts) -> Tags:
    patterns = _ordered(rule.pattern for rule in PATTERN_RULES if rule.when.holds(facts))
    if not patterns:
        patterns = (next(rule.pattern for rule in FALLBACK_RULES if rule.when.holds(facts)),)
    override = TAG_OVERRIDES.get(facts.exercise_id)
    if override is not None:
        patterns = _ordered(
            [*override.add_patterns, *(p for p in patterns if p not in override.remove_patterns)]
        )
    tags: list[Contraindication] = []
    for rule in CONTRAINDICATION_RULES:
        if rule.when.holds(facts, frozenset(patterns), frozenset(tags)):
            tags.extend(rule.tags)
    if override is not None:
        tags = [tag for tag in tags if tag not in override.remove] + list(override.add)
    given = set(tags)
    return Tags(patterns, tuple(tag for tag in Contraindication if tag in given))  # vocabulary order


def _ordered(items: Iterable[MovementPattern]) -> tuple[MovementPattern, ...]:
    """`items` without repeats, in their first order."""
    return tuple(dict.fromkeys(items))
