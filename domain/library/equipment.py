"""From what users list as their available equipment to the library's equipment.

Each item is read on its own against `equipment_vocabulary.EQUIPMENT_KINDS`. Blank items ("", "-") are
ignored; items nothing recognises are listed in `unrecognised`. Equipment everyone has (`NO_EQUIPMENT`)
is always included; `equipment` is None when the list names nothing at all, which means "not said", not
"nothing" (write "nothing" or "bodyweight only" for that).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache

from domain.library.equipment_vocabulary import EQUIPMENT_KINDS, SEPARATOR_WORDS, EquipmentKind
from domain.library.phrase_matching import PhraseMatcher, clauses, without_contained
from domain.library.values import NO_EQUIPMENT, Equipment

EQUIPMENT_KIND_NAMED: dict[str, EquipmentKind] = {kind.name: kind for kind in EQUIPMENT_KINDS}

_MATCHER = PhraseMatcher((kind.name, phrase) for kind in EQUIPMENT_KINDS for phrase in kind.phrases)


@dataclass(frozen=True, slots=True)
class EquipmentList:
    equipment: frozenset[Equipment] | None
    """What the user has, NO_EQUIPMENT included; None when they listed nothing."""
    unrecognised: tuple[str, ...]
    """Items, as written, that no vocabulary entry matched."""


@lru_cache(maxsize=4096)  # pure, and profiles repeat the same few texts on every search
def kinds_in(item: str) -> tuple[EquipmentKind, ...]:
    """The vocabulary entries `item` names, in vocabulary order; () when none."""
    named: set[str] = set()
    for clause in clauses(item, SEPARATOR_WORDS):
        named |= {match.key for match in without_contained(_MATCHER.matches(clause))}
    return tuple(kind for kind in EQUIPMENT_KINDS if kind.name in named)


def equipment_of(items: Sequence[str]) -> EquipmentList:
    listed = [item for item in items if clauses(item)]
    if not listed:
        return EquipmentList(equipment=None, unrecognised=())
    equipment: set[Equipment] = set(NO_EQUIPMENT)
    unrecognised: list[str] = []
    for item in listed:
        kinds = kinds_in(item)
        if not kinds:
            unrecognised.append(item)
        for kind in kinds:
            equipment |= kind.provides
    return EquipmentList(frozenset(equipment), tuple(unrecognised))
