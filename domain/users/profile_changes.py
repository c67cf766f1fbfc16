"""Applying `ProfileChanges` to a `Profile`: every given field validated, the changed ones named."""

from __future__ import annotations

from datetime import date
from typing import TypeVar

from domain.errors import ValidationError
from domain.users import validation
from domain.users.commands import ProfileChanges
from domain.users.values import CLEARABLE_FIELDS, PROFILE_FIELDS, Profile

T = TypeVar("T")


def apply_changes(profile: Profile, changes: ProfileChanges, today: date) -> tuple[Profile, tuple[str, ...]]:
    """The updated profile and the names of the fields whose value changed (in `PROFILE_FIELDS` order).

    `today` is the command's date: ages are checked against it, not against a clock.
    """
    _check_clear(changes)
    c = changes
    updated = Profile(
        display_name=(
            profile.display_name
            if c.display_name is None
            else validation.display_name("display_name", c.display_name)
        ),
        date_of_birth=(
            _kept(profile.date_of_birth, "date_of_birth", c.clear)
            if c.date_of_birth is None
            else validation.date_of_birth("date_of_birth", c.date_of_birth, today)
        ),
        gender=(
            _kept(profile.gender, "gender", c.clear)
            if c.gender is None
            else validation.gender("gender", c.gender)
        ),
        height_cm=(
            _kept(profile.height_cm, "height_cm", c.clear)
            if c.height_cm is None
            else validation.measure("height_cm", c.height_cm, validation.HEIGHT_CM, "cm")
        ),
        weight_kg=(
            _kept(profile.weight_kg, "weight_kg", c.clear)
            if c.weight_kg is None
            else validation.measure("weight_kg", c.weight_kg, validation.WEIGHT_KG, "kg")
        ),
        fitness_level=(
            _kept(profile.fitness_level, "fitness_level", c.clear)
            if c.fitness_level is None
            else validation.fitness_level("fitness_level", c.fitness_level)
        ),
        preferences=(
            profile.preferences
            if c.preferences is None
            else validation.preferences("preferences", c.preferences)
        ),
        goals=profile.goals if c.goals is None else validation.short_texts("goals", c.goals),
        injuries=profile.injuries if c.injuries is None else validation.short_texts("injuries", c.injuries),
        available_equipment=(
            profile.available_equipment
            if c.available_equipment is None
            else validation.short_texts("available_equipment", c.available_equipment)
        ),
    )
    changed = tuple(name for name in PROFILE_FIELDS if getattr(updated, name) != getattr(profile, name))
    return updated, changed


def _kept(current: T | None, name: str, clear: frozenset[str]) -> T | None:
    return None if name in clear else current


def _check_clear(changes: ProfileChanges) -> None:
    clear = changes.clear
    if not isinstance(clear, frozenset | set) or not all(isinstance(name, str) for name in clear):
        raise ValidationError("clear", "must be a set of field names")
    if clear - CLEARABLE_FIELDS:
        raise ValidationError("clear", "only " + ", ".join(sorted(CLEARABLE_FIELDS)) + " can be cleared")
    both = sorted(name for name in clear if getattr(changes, name) is not None)
    if both:
        raise ValidationError("clear", f"{both[0]} cannot be set and cleared at once")
