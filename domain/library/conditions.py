"""From what users write about their injuries and conditions to the contraindication tags they restrict.

Each injury is read on its own against the conditions vocabulary (`condition_vocabulary.CONDITIONS`);
every entry one of its phrases matches applies. An injury that says nothing ("none", "n/a", "-", "") is
ignored; an injury that says something nothing recognises is listed in `unrecognised`, never dropped:
the caller must handle it (`domain.library.availability` restricts `WHEN_UNSURE` for it).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from domain.library.condition_vocabulary import CONDITIONS, Condition
from domain.library.contraindications import Contraindication
from domain.library.phrase_matching import PhraseMatcher, says_nothing, words

CONDITION_NAMED: dict[str, Condition] = {condition.name: condition for condition in CONDITIONS}

_MATCHER = PhraseMatcher((condition.name, phrase) for condition in CONDITIONS for phrase in condition.phrases)


@dataclass(frozen=True, slots=True)
class RecognisedInjury:
    injury: str
    """As the user wrote it."""
    conditions: tuple[str, ...]
    """Names of the vocabulary entries it matched, in vocabulary order."""


@dataclass(frozen=True, slots=True)
class Restrictions:
    tags: frozenset[Contraindication]
    """The union of what every recognised condition restricts."""
    recognised: tuple[RecognisedInjury, ...]
    unrecognised: tuple[str, ...]
    """Injuries, as written, that no vocabulary entry matched."""


@lru_cache(maxsize=4096)  # pure, and profiles repeat the same few texts on every search
def conditions_in(injury: str) -> tuple[Condition, ...]:
    """The vocabulary entries `injury` mentions, in vocabulary order; () when none."""
    return _conditions_named(injury)


def restrictions_named_in(text: str) -> frozenset[Contraindication]:
    """What the conditions a free text names restrict ("... with shoulder impingement"), uncached: chat
    messages are one-off texts that would only push the profiles' entries out of the cache (and keep the
    users' words in memory)."""
    tags: set[Contraindication] = set()
    for condition in _conditions_named(text):
        tags |= condition.restricts
    return frozenset(tags)


def _conditions_named(text: str) -> tuple[Condition, ...]:
    said = words(text)
    matched = {match.key for match in _MATCHER.matches(said)}
    return tuple(
        condition
        for condition in CONDITIONS
        if condition.name in matched and not any(word in said for word in condition.unless)
    )


def restrictions_of(injuries: Sequence[str]) -> Restrictions:
    tags: set[Contraindication] = set()
    recognised: list[RecognisedInjury] = []
    unrecognised: list[str] = []
    for injury in injuries:
        if says_nothing(injury):
            continue
        conditions = conditions_in(injury)
        if not conditions:
            unrecognised.append(injury)
            continue
        recognised.append(RecognisedInjury(injury, tuple(condition.name for condition in conditions)))
        for condition in conditions:
            tags |= condition.restricts
    return Restrictions(frozenset(tags), tuple(recognised), tuple(unrecognised))
