"""Which library exercises a user may be offered: their injuries' restrictions and their equipment.

The search helper filters with `availability_of(profile.injuries, profile.available_equipment)` and
`is_available`. An injury nothing recognises is never a silent pass: it excludes `WHEN_UNSURE` and is
returned in `unrecognised_conditions` for the caller to show ("we did not understand ...").
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from domain.library.condition_vocabulary import WHEN_UNSURE
from domain.library.conditions import restrictions_of
from domain.library.contraindications import Contraindication
from domain.library.equipment import equipment_of
from domain.library.values import NO_EQUIPMENT, Equipment

__all__ = ["WHEN_UNSURE", "Availability", "availability_of", "is_available"]


@dataclass(frozen=True, slots=True)
class Availability:
    exclude: frozenset[Contraindication]
    available_equipment: frozenset[Equipment] | None
    """None: the profile lists no equipment -> not filtered by equipment."""
    unrecognised_conditions: tuple[str, ...]
    unrecognised_equipment: tuple[str, ...]


def availability_of(injuries: Sequence[str], available_equipment: Sequence[str]) -> Availability:
    restrictions = restrictions_of(injuries)
    equipment = equipment_of(available_equipment)
    unsure = WHEN_UNSURE if restrictions.unrecognised else frozenset()
    return Availability(
        exclude=restrictions.tags | unsure,
        available_equipment=equipment.equipment,
        unrecognised_conditions=restrictions.unrecognised,
        unrecognised_equipment=equipment.unrecognised,
    )


def is_available(
    equipment: Iterable[Equipment],
    contraindications: Iterable[Contraindication],
    availability: Availability,
) -> bool:
    """True when an exercise needing `equipment` and tagged `contraindications` may be offered."""
    if not availability.exclude.isdisjoint(contraindications):
        return False
    if availability.available_equipment is None:
        return True
    return all(needed in availability.available_equipment or needed in NO_EQUIPMENT for needed in equipment)
