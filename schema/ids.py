"""Opaque global ids (`Node.id`): base64url of `TypeName:raw`, so clients never build or parse them. The
raw part is a uuid, except for a library exercise, whose id is its exercise id ("Barbell_Squat")."""

from __future__ import annotations

import base64
import binascii
from uuid import UUID

from schema.errors import BadUserInput

UUID_NODE_TYPES = ("WorkoutPlan", "User", "CoachingSession", "CoachMessage")
LIBRARY_EXERCISE = "LibraryExercise"
NODE_TYPES = (*UUID_NODE_TYPES, LIBRARY_EXERCISE)
MAX_ID_LENGTH = 128


def global_id(type_name: str, raw: UUID | str) -> str:
    return base64.urlsafe_b64encode(f"{type_name}:{raw}".encode()).decode().rstrip("=")


def parse_node_id(value: str, *, field: str = "id") -> tuple[str, str]:
    """(type name, raw id as text) of a global id of any node type; BadUserInput for anything else."""
    if not isinstance(value, str) or not 0 < len(value) <= MAX_ID_LENGTH:
        raise BadUserInput(f"{field} is not a valid id", field=field)
    try:
        decoded = base64.urlsafe_b64decode(value + "=" * (-len(value) % 4)).decode()
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadUserInput(f"{field} is not a valid id", field=field) from None
    type_name, _, raw = decoded.partition(":")
    if type_name not in NODE_TYPES or not raw:
        raise BadUserInput(f"{field} is not the id of a node", field=field)
    return type_name, raw


def parse_global_id(value: str, *, expect: str | None = None, field: str = "id") -> tuple[str, UUID]:
    """(type name, uuid) of the global id of a plan, user, coaching session or coach message; BadUserInput
    for anything that is not one."""
    type_name, raw = parse_node_id(value, field=field)
    if type_name not in UUID_NODE_TYPES or (expect is not None and type_name != expect):
        raise BadUserInput(f"{field} is not the id of a {expect or 'node'}", field=field)
    try:
        return type_name, UUID(raw)
    except ValueError:
        raise BadUserInput(f"{field} is not a valid id", field=field) from None


def parse_library_exercise_id(value: str, *, field: str = "id") -> str:
    """The exercise id of a library exercise's global id; BadUserInput for anything else."""
    type_name, raw = parse_node_id(value, field=field)
    if type_name != LIBRARY_EXERCISE:
        raise BadUserInput(f"{field} is not the id of a {LIBRARY_EXERCISE}", field=field)
    return raw
