"""Value objects of the User aggregate: roles, identity providers and the profile."""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date


class Role(enum.StrEnum):
    USER = "user"
    ADMIN = "admin"


class IdentityProvider(enum.StrEnum):
    GOOGLE = "google"
    APPLE = "apple"


class FitnessLevel(enum.StrEnum):
    BEGINNER = "beginner"
    INTERMEDIATE = "intermediate"
    ADVANCED = "advanced"


class Gender(enum.StrEnum):
    FEMALE = "female"
    MALE = "male"
    NON_BINARY = "non_binary"
    OTHER = "other"
    PREFER_NOT_TO_SAY = "prefer_not_to_say"


PreferenceValue = str | int | float | bool | None
"""A preference is a JSON scalar; nested structures are not accepted."""

Preferences = tuple[tuple[str, PreferenceValue], ...]
"""Preferences as (key, value) pairs sorted by key: immutable, and equal whatever order they came in."""


@dataclass(frozen=True, slots=True)
class ExternalIdentity:
    provider: IdentityProvider
    subject: str = field(repr=False)
    """The provider's stable user id (the ID token's `sub`)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class Profile:
    """What a user tells the coach about themselves. Only `display_name` is required."""

    display_name: str
    date_of_birth: date | None = None
    gender: Gender | None = None
    height_cm: float | None = None
    weight_kg: float | None = None
    fitness_level: FitnessLevel | None = None
    preferences: Preferences = ()
    goals: tuple[str, ...] = ()
    injuries: tuple[str, ...] = ()
    available_equipment: tuple[str, ...] = ()

    def preferences_dict(self) -> dict[str, PreferenceValue]:
        return dict(self.preferences)


PROFILE_FIELDS = (
    "display_name",
    "date_of_birth",
    "gender",
    "height_cm",
    "weight_kg",
    "fitness_level",
    "preferences",
    "goals",
    "injuries",
    "available_equipment",
)
CLEARABLE_FIELDS = frozenset({"date_of_birth", "gender", "height_cm", "weight_kg", "fitness_level"})
"""Optional single-valued fields a profile update may reset to unset; lists and preferences are emptied
by setting them to an empty value instead."""
