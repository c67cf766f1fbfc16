"""A generic event codec: event <-> `(type, schema_version, data)` with JSON-safe data.

Each aggregate declares an explicit map `type name -> EventType(current schema version, reader)`; stored
data is upcast to the current schema version before it is read. Writing is generic over dataclasses.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields, is_dataclass
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar
from uuid import UUID

from domain.errors import MalformedEvent, UnknownEventType
from domain.sealed import any_sealed
from domain.upcasting import EventData, Upcaster, upcast


class VersionedEvent(Protocol):
    @property
    def type(self) -> str: ...
    @property
    def schema_version(self) -> int: ...


E = TypeVar("E", bound=VersionedEvent)


@dataclass(frozen=True, slots=True)
class EventType(Generic[E]):
    schema_version: int
    """The current schema version; older stored versions are upcast to it."""
    read: Callable[[EventData], E]


class EventCodec(Generic[E]):
    def __init__(
        self, event_types: Mapping[str, EventType[E]], upcasters: Mapping[tuple[str, int], Upcaster]
    ) -> None:
        self._event_types = dict(event_types)
        self._upcasters = dict(upcasters)

    def encode(self, event: E) -> tuple[str, int, EventData]:
        data = to_json(event)
        if not isinstance(data, dict):
            raise TypeError(f"{type(event).__name__} is not a dataclass")
        return event.type, event.schema_version, data

    def decode(self, event_type: str, schema_version: int, data: Mapping[str, Any]) -> E:
        known = self._event_types.get(event_type)
        if known is None:
            raise UnknownEventType(event_type, schema_version)
        if any_sealed(data):
            # Personal data the reader was not given opened (`application.privacy`): never read as a value.
            raise MalformedEvent(event_type, schema_version, "SealedField")
        version, current = upcast(event_type, schema_version, data, self._upcasters)
        if version != known.schema_version:
            raise UnknownEventType(event_type, schema_version)
        try:
            return known.read(current)
        except (KeyError, TypeError, ValueError, AttributeError) as error:
            raise MalformedEvent(event_type, schema_version, type(error).__name__) from error


JsonValue = None | bool | int | float | str | list["JsonValue"] | dict[str, "JsonValue"]


def to_json(value: object) -> JsonValue:
    if isinstance(value, enum.Enum):
        return to_json(value.value)
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, UUID):
        return str(value)
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, tuple | list):
        return [to_json(item) for item in value]
    if is_dataclass(value) and not isinstance(value, type):
        return {field.name: to_json(getattr(value, field.name)) for field in fields(value)}
    raise TypeError(f"cannot encode a {type(value).__name__} as JSON")
