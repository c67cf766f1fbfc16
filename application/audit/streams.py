"""Which stream an auditor means, and its events up to a point: a version or a time.

A stream is named in full (`workout-<id>`, `library-Barbell_Squat`, ...) or, for the aggregates that are
named by a UUID, by that id alone: it is then looked up among the workout plan, user and coaching
session streams.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import takewhile
from uuid import UUID

from application.audit.errors import (
    AmbiguousId,
    BeforeFirstEvent,
    InvalidVersionRange,
    PointInTimeRequired,
    StreamNotFound,
    VersionAndTimeGiven,
    VersionOutOfRange,
)
from application.eventstore import EventStore, EventStoreError, RecordedEvent, check_stream_name
from domain.coaching.streams import coaching_stream
from domain.plans.streams import plan_stream
from domain.users.streams import user_stream

STREAMS_BY_ID = (plan_stream, user_stream, coaching_stream)
"""The streams a bare UUID may name, in the order they are tried."""


@dataclass(frozen=True, slots=True)
class PointInTime:
    """A stream version, or a moment (the events recorded at or before it; a time without a zone is UTC)."""

    version: int | None = None
    at: datetime | None = None

    @classmethod
    def of(cls, version: int | None, at: datetime | None) -> PointInTime:
        """Exactly one of the two; raises PointInTimeRequired or VersionAndTimeGiven otherwise."""
        if version is None and at is None:
            raise PointInTimeRequired()
        if version is not None and at is not None:
            raise VersionAndTimeGiven()
        if at is not None and at.tzinfo is None:
            at = at.replace(tzinfo=UTC)
        return cls(version, at)


async def stream_version(store: EventStore, stream: str) -> int:
    """How many events the stream holds (0 for none, or for a name no stream can have)."""
    try:
        check_stream_name(stream)
        stream.encode()  # a lone surrogate (JSON allows one) names no stream, and no store could take it
    except (EventStoreError, UnicodeEncodeError):
        return 0
    last = await store.read_stream(stream, backwards=True, limit=1)
    return last[0].stream_version if last else 0


async def existing_stream(store: EventStore, stream: str) -> int:
    """The stream's version; raises StreamNotFound when it holds no events."""
    version = await stream_version(store, stream)
    if version == 0:
        raise StreamNotFound(stream)
    return version


async def locate_stream(store: EventStore, stream_or_id: str) -> tuple[str, int]:
    """The stream named (in full or by its aggregate's id) and its version. Raises StreamNotFound, or
    AmbiguousId for an id that names several streams."""
    stream_or_id = stream_or_id.strip()
    version = await stream_version(store, stream_or_id)
    if version:
        return stream_or_id, version
    try:
        raw_id = UUID(stream_or_id)
    except ValueError:
        raise StreamNotFound(stream_or_id) from None
    found = [(name, await stream_version(store, name)) for name in (named(raw_id) for named in STREAMS_BY_ID)]
    existing = [(name, version) for name, version in found if version]
    if not existing:
        raise StreamNotFound(stream_or_id)
    if len(existing) > 1:
        raise AmbiguousId(raw_id, tuple(name for name, _ in existing))
    return existing[0]


def checked_range(current: int, from_version: int, to_version: int | None) -> tuple[int, int]:
    """`from_version`..`to_version` (default: the last) within 1..`current`, or VersionOutOfRange or
    InvalidVersionRange."""
    top = current if to_version is None else to_version
    if not 1 <= from_version <= current:
        raise VersionOutOfRange("from", from_version, current)
    if not 1 <= top <= current:
        raise VersionOutOfRange("to", top, current)
    if from_version > top:
        raise InvalidVersionRange(from_version, top)
    return from_version, top


async def events_until(store: EventStore, stream: str, point: PointInTime) -> list[RecordedEvent]:
    """The stream's events up to `point`, at least one. Raises StreamNotFound, VersionOutOfRange (a
    version past the stream's last), or BeforeFirstEvent (a time before its first event)."""
    current = await existing_stream(store, stream)
    if point.version is not None:
        if not 1 <= point.version <= current:
            raise VersionOutOfRange("version", point.version, current)
        return await store.read_stream(stream, to_version=point.version)
    assert point.at is not None
    at = point.at
    events = await store.read_stream(stream, to_version=current)
    # The longest prefix: a state is always the fold of a stream's first events. (A time stamp is taken
    # when a transaction starts, so two appends may commit in the other order than they were stamped.)
    until = list(takewhile(lambda event: event.recorded_at <= at, events))
    if not until:
        raise BeforeFirstEvent(stream, at, events[0].recorded_at)
    return until
