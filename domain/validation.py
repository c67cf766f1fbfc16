"""Input checks every aggregate shares: user-visible texts and moments.

Each failure raises `ValidationError` naming the offending field.
"""

from __future__ import annotations

from datetime import datetime

from domain.errors import DisallowedCharacter, ValidationError
from domain.safe_text import first_refused


def name(field: str, value: str, limit: int) -> str:
    """A required text, returned stripped."""
    stripped = value.strip()
    if not stripped:
        raise ValidationError(field, "must not be empty")
    return text(field, stripped, limit)


def text(field: str, value: str, limit: int) -> str:
    """Every user-visible text passes here: bounded, and holding no character `domain.safe_text` refuses."""
    if len(value) > limit:
        raise ValidationError(field, f"must be at most {limit} characters")
    refused = first_refused(value)
    if refused is not None:
        raise DisallowedCharacter(field, refused)
    return value


def moment(field: str, value: datetime) -> datetime:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValidationError(field, "must be timezone-aware")
    return value
