"""Input checks for user commands. Each failure raises `ValidationError` naming the offending field."""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from datetime import date, datetime

from domain.errors import ValidationError
from domain.users.values import FitnessLevel, Gender, IdentityProvider, Preferences, PreferenceValue, Role
from domain.validation import name, text

MAX_EMAIL = 254
MAX_EMAIL_LOCAL_PART = 64
MAX_DISPLAY_NAME = 80
MAX_PASSWORD_HASH = 1024
MAX_SUBJECT = 255
AGE_YEARS = (13, 120)
HEIGHT_CM = (50.0, 272.0)
WEIGHT_KG = (20.0, 500.0)
MAX_LIST_ITEMS = 20
MAX_LIST_ITEM = 80
MAX_PREFERENCES = 50
MAX_PREFERENCE_KEY = 64
MAX_PREFERENCE_TEXT = 500
MAX_SAFE_INTEGER = 2**53 - 1
"""Larger integers do not survive a round trip through JavaScript clients (or orjson, above 64 bits)."""

# RFC 5322 "dot-atom" local part and an ASCII (punycode) domain with at least two labels, ending in a
# letters-only or punycode top-level domain. Characters are spelled out so that no Unicode letters or
# digits slip in through `\w` or `\d`.
_LOCAL = r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(?:\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
_LABEL = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?"
_TLD = r"(?:[A-Za-z]{2,63}|xn--[A-Za-z0-9-]{1,59})"
_EMAIL = re.compile(rf"({_LOCAL})@({_LABEL}(?:\.{_LABEL})*\.{_TLD})")


def email(field: str, value: str) -> str:
    """The address normalised (stripped, lower-cased), or ValidationError."""
    if not isinstance(value, str):
        raise ValidationError(field, "must be a text")
    normalised = value.strip().lower()
    if len(normalised) > MAX_EMAIL:
        raise ValidationError(field, f"must be at most {MAX_EMAIL} characters")
    match = _EMAIL.fullmatch(normalised)
    if match is None or len(match.group(1)) > MAX_EMAIL_LOCAL_PART:
        raise ValidationError(field, "must be an email address such as name@example.com")
    return normalised


def display_name(field: str, value: str) -> str:
    if not isinstance(value, str):
        raise ValidationError(field, "must be a text")
    return name(field, value, MAX_DISPLAY_NAME)


def password_hash(field: str, value: str) -> str:
    if not isinstance(value, str) or not value or len(value) > MAX_PASSWORD_HASH:
        raise ValidationError(field, "must be a non-empty password hash")
    return value


def subject(field: str, value: str) -> str:
    if not isinstance(value, str) or not value or value != value.strip() or len(value) > MAX_SUBJECT:
        raise ValidationError(field, f"must be a non-empty identifier of at most {MAX_SUBJECT} characters")
    return value


def provider(field: str, value: IdentityProvider) -> IdentityProvider:
    if not isinstance(value, IdentityProvider):
        raise ValidationError(field, "must be google or apple")
    return value


def role(field: str, value: Role) -> Role:
    if not isinstance(value, Role):
        raise ValidationError(field, "must be user or admin")
    return value


def date_of_birth(field: str, value: date, today: date) -> date:
    if not isinstance(value, date) or isinstance(value, datetime):
        raise ValidationError(field, "must be a calendar date")
    if value >= today:
        raise ValidationError(field, "must be in the past")
    age = today.year - value.year - ((today.month, today.day) < (value.month, value.day))
    low, high = AGE_YEARS
    if not low <= age <= high:
        raise ValidationError(field, f"must give an age from {low} to {high} years")
    return value


def measure(field: str, value: float, bounds: tuple[float, float], unit: str) -> float:
    low, high = bounds
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise ValidationError(field, "must be a finite number")
    if not low <= value <= high:
        raise ValidationError(field, f"must be from {low:g} to {high:g} {unit}")
    return float(value)


def gender(field: str, value: Gender) -> Gender:
    if not isinstance(value, Gender):
        raise ValidationError(field, "must be one of " + ", ".join(g.value for g in Gender))
    return value


def fitness_level(field: str, value: FitnessLevel) -> FitnessLevel:
    if not isinstance(value, FitnessLevel):
        raise ValidationError(field, "must be beginner, intermediate or advanced")
    return value


def short_texts(field: str, values: tuple[str, ...]) -> tuple[str, ...]:
    """A bounded list of short texts, each stripped and non-empty."""
    if isinstance(values, str) or not isinstance(values, tuple | list):
        raise ValidationError(field, "must be a list of texts")
    if len(values) > MAX_LIST_ITEMS:
        raise ValidationError(field, f"must list at most {MAX_LIST_ITEMS} items")
    if not all(isinstance(value, str) for value in values):
        raise ValidationError(field, "must be a list of texts")
    return tuple(name(field, value, MAX_LIST_ITEM) for value in values)


def preferences(field: str, values: Mapping[str, PreferenceValue]) -> Preferences:
    if not isinstance(values, Mapping):
        raise ValidationError(field, "must be a map of names to values")
    if len(values) > MAX_PREFERENCES:
        raise ValidationError(field, f"must hold at most {MAX_PREFERENCES} entries")
    for key, value in values.items():
        if not isinstance(key, str) or not key or key != key.strip() or len(key) > MAX_PREFERENCE_KEY:
            raise ValidationError(field, f"names must be non-empty texts of at most {MAX_PREFERENCE_KEY}")
        text(field, key, MAX_PREFERENCE_KEY)
        _preference_value(f"{field}.{key}", value)
    return tuple(sorted(values.items()))


def _preference_value(field: str, value: PreferenceValue) -> None:
    if value is None or isinstance(value, bool):
        return
    if isinstance(value, int):
        if abs(value) > MAX_SAFE_INTEGER:
            raise ValidationError(field, f"must be at most {MAX_SAFE_INTEGER} in size")
        return
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValidationError(field, "must be a finite number")
        return
    if isinstance(value, str):
        text(field, value, MAX_PREFERENCE_TEXT)
        return
    raise ValidationError(field, "must be a text, number, true/false or null")
