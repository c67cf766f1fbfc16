"""Opaque global ids (`Node.id`): base64url of `TypeName:uuid`, so clients never build or parse them."""

from __future__ import annotations

import base64
import binascii
from uuid import UUID

from schema.errors import BadUserInput

NODE_TYPES = ("WorkoutPlan", "User", "CoachingSession", "CoachMessage")
MAX_ID_LENGTH = 128


def global_id(type_name: str, raw: UUID | str) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{raw}".encode()).decode().rstrip("=")


def parse_global_id(value: str, *, expect: str | None = None, field: str = "id") -> tuple[str, UUID]:
    """(type name, uuid) of a global id; BadUserInput for anything that is not one of ours."""
    if not isinstance(value, str) or not 0 < len(value) <= MAX_ID_LENGTH:
        raise BadUserInput(f"{field} is not a valid id", field=field)
    try:
        decoded = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
        type_name, _, raw = decoded.partition(":")
        uuid = UUID(raw)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadUserInput(f"{field} is not a valid id", field=field) from None
    if type_name not in NODE_TYPES or (expect is not None and type_name != expect):
        raise BadUserInput(f"{field} is not the id of a {expect or 'node'}", field=field)
    return type_name, uuid
