"""The `EventStore` port and the event envelope every adapter speaks.

Versions and positions:
- A stream's version is the number of events in it; its first event has `stream_version` 1.
- `position` is the event's place in the global log. It only grows, in commit order; it is
  dense for PostgreSQL and the commit position for KurrentDB. `after=0` means "from the start".

Recorded times: a `NewEvent` without `recorded_at` is stamped by the store when it is written. One moved
from another log (`application.replay`) keeps the time it was first recorded, and reads back with it.
"""

from __future__ import annotations

import enum
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol
from uuid import UUID

MAX_STREAM_NAME_LENGTH = 200


class StreamState(enum.Enum):
    NO_STREAM = "no_stream"
    ANY = "any"


ExpectedVersion = int | StreamState
"""`StreamState.NO_STREAM`, `StreamState.ANY`, or the exact current version (0 means no events yet)."""


@dataclass(frozen=True, slots=True)
class EventMetadata:
    actor: str
    command_id: UUID
    correlation_id: UUID
    causation_id: UUID | None = None
    user_id: UUID | None = None
    chain_hash: str | None = None
    """SHA-256 (hex) linking the event to its predecessor in the stream (`application.integrity.chain`);
    None for events written before the chain existed. Set on append, never by a decider."""

    def to_dict(self) -> dict[str, str | None]:
        return {
            "actor": self.actor,
            "command_id": str(self.command_id),
            "correlation_id": str(self.correlation_id),
            "causation_id": str(self.causation_id) if self.causation_id else None,
            "user_id": str(self.user_id) if self.user_id else None,
            "chain_hash": self.chain_hash,
        }

    @classmethod
    def from_dict(cls, raw: dict[str, Any]) -> EventMetadata:
        def optional_uuid(key: str) -> UUID | None:
            value = raw.get(key)
            return UUID(value) if value else None

        return cls(
            actor=str(raw.get("actor", "")),
            command_id=UUID(raw["command_id"]),
            correlation_id=UUID(raw["correlation_id"]),
            causation_id=optional_uuid("causation_id"),
            user_id=optional_uuid("user_id"),
            chain_hash=str(raw["chain_hash"]) if raw.get("chain_hash") else None,
        )


@dataclass(frozen=True, slots=True)
class NewEvent:
    event_id: UUID
    type: str
    schema_version: int
    data: dict[str, Any]
    metadata: EventMetadata
    recorded_at: datetime | None = None
    """None: the store's clock at the append. Given (time-zone aware): the time the event was first recorded
    in the log it is moved from. The command path never sets it."""

    def __post_init__(self) -> None:
        if self.recorded_at is not None and self.recorded_at.utcoffset() is None:
            raise ValueError("an event's recorded_at must be time-zone aware")


@dataclass(frozen=True, slots=True)
class RecordedEvent:
    event_id: UUID
    type: str
    schema_version: int
    data: dict[str, Any]
    metadata: EventMetadata
    stream: str
    stream_version: int
    position: int
    recorded_at: datetime


@dataclass(frozen=True, slots=True)
class StreamAppend:
    """One stream's part of `EventStore.append_many`."""

    stream: str
    events: Sequence[NewEvent]
    expected_version: ExpectedVersion


@dataclass(frozen=True, slots=True)
class AppendResult:
    stream_version: int
    """The stream's version after the append."""
    position: int
    """The global position of the last event written (for read-your-writes)."""


class EventStoreError(Exception):
    code = "EVENT_STORE_ERROR"


@dataclass
class WrongExpectedVersion(EventStoreError):
    stream: str
    expected: ExpectedVersion
    actual: int
    code: str = field(default="CONFLICT", init=False)

    def __str__(self) -> str:
        expected = self.expected.value if isinstance(self.expected, StreamState) else self.expected
        return f"stream {self.stream!r} is at version {self.actual}, expected {expected}"


class DuplicateEventId(EventStoreError):
    code = "DUPLICATE_EVENT_ID"


class InvalidStreamName(EventStoreError):
    code = "INVALID_STREAM_NAME"


class EventStoreUnavailable(EventStoreError):
    code = "UNAVAILABLE"


def check_stream_name(stream: str) -> None:
    if not stream or len(stream) > MAX_STREAM_NAME_LENGTH or stream.startswith("$") or "\x00" in stream:
        raise InvalidStreamName(f"invalid stream name {stream[:40]!r}")


def expected_matches(expected: ExpectedVersion, actual: int) -> bool:
    if expected is StreamState.ANY:
        return True
    if expected is StreamState.NO_STREAM:
        return actual == 0
    return expected == actual


class EventStore(Protocol):
    async def append(
        self, stream: str, events: Sequence[NewEvent], expected_version: ExpectedVersion
    ) -> AppendResult:
        """Append atomically if the stream is at `expected_version`, else raise `WrongExpectedVersion`.

        Appending event ids that the stream already holds right after `expected_version` (or anywhere,
        with `ANY`) writes nothing and returns the original result, as KurrentDB does.
        """
        ...

    async def append_many(self, appends: Sequence[StreamAppend]) -> list[AppendResult]:
        """The same as `append` for each of `appends` in order, stopping at the first that raises: the ones
        before it are written, it raises its error, the ones after it are not tried. Each result is its
        append's. A store may write them faster together (PostgreSQL: in one transaction), but never
        writes part of one append, nor one out of order.
        """
        ...

    async def read_stream(
        self,
        stream: str,
        *,
        from_version: int = 1,
        to_version: int | None = None,
        backwards: bool = False,
        limit: int | None = None,
    ) -> list[RecordedEvent]:
        """Events with `from_version <= stream_version <= to_version`; backwards starts at the top."""
        ...

    async def read_all(self, *, after: int = 0, limit: int = 1000) -> list[RecordedEvent]:
        """Up to `limit` events with `position > after`, in position order."""
        ...

    def subscribe_all(self, *, after: int = 0) -> AsyncIterator[RecordedEvent]:
        """Catch up from `after`, then follow new events live, forever, in position order."""
        ...

    async def current_position(self) -> int:
        """The position of the last event in the log, 0 when it is empty."""
        ...

    async def close(self) -> None: ...
