"""`KurrentEventStore`: the `EventStore` port on KurrentDB, through kurrentdbclient's asyncio client."""

from __future__ import annotations

import sys
from collections.abc import AsyncIterator, Sequence

import kurrentdbclient
from kurrentdbclient import AsyncKurrentDBClient
from kurrentdbclient import exceptions as kurrent_errors

from adapters.kurrentdb.all_stream import last_commit_position, read_all_events, subscribe_to_all
from adapters.kurrentdb.mapping import (
    RESUBSCRIBE_MAX_ATTEMPTS,
    actual_version,
    boundary,
    from_kurrent_event,
    redact_uri,
    to_kurrent_event,
    to_kurrent_expected,
    version_after_append,
)
from application.eventstore import (
    AppendResult,
    EventStoreError,
    ExpectedVersion,
    NewEvent,
    RecordedEvent,
    WrongExpectedVersion,
    check_stream_name,
    expected_matches,
)


class KurrentEventStore:
    def __init__(self, uri: str, *, resubscribe_attempts: int = RESUBSCRIBE_MAX_ATTEMPTS) -> None:
        try:
            self._client = AsyncKurrentDBClient(uri)
        except ValueError as error:
            # The library's message repeats the URI, password included.
            raise ValueError(str(error).replace(uri, redact_uri(uri))) from None
        self._resubscribe_attempts = resubscribe_attempts
        self._connected = False
        self._closed = False

    async def _connected_client(self) -> AsyncKurrentDBClient:
        if self._closed:
            raise EventStoreError("the KurrentDB event store is closed")
        if not self._connected:
            with boundary():
                await self._client.connect()
            self._connected = True
        return self._client

    async def append(
        self, stream: str, events: Sequence[NewEvent], expected_version: ExpectedVersion
    ) -> AppendResult:
        check_stream_name(stream)
        if not events or (isinstance(expected_version, int) and expected_version < 0):
            return await self._check_only(stream, expected_version)
        new_events = [to_kurrent_event(event) for event in events]
        client = await self._connected_client()
        try:
            with boundary(passthrough=(kurrent_errors.WrongCurrentVersionError,)):
                position = await client.append_to_stream(
                    stream, current_version=to_kurrent_expected(expected_version), events=new_events
                )
        except kurrent_errors.WrongCurrentVersionError as conflict:
            actual = actual_version(conflict)
            if actual is None:
                actual = await self._stream_version(stream)
            raise WrongExpectedVersion(stream, expected_version, actual) from None
        version = version_after_append(expected_version, len(events))
        if version is None:
            version = await self._version_at(stream, position)
        return AppendResult(version, position)

    async def _check_only(self, stream: str, expected: ExpectedVersion) -> AppendResult:
        """Nothing to append, or a negative version: only check the expected version, like the reference."""
        last = await self._last_event(stream)
        actual = last.stream_position + 1 if last else 0
        if not expected_matches(expected, actual):
            raise WrongExpectedVersion(stream, expected, actual)
        return AppendResult(actual, last.commit_position if last else 0)

    async def _read_stream_raw(
        self, stream: str, *, start: int | None, backwards: bool, count: int
    ) -> tuple[kurrentdbclient.RecordedEvent, ...]:
        client = await self._connected_client()
        try:
            with boundary(passthrough=(kurrent_errors.NotFoundError,)):
                return await client.get_stream(
                    stream, stream_position=start, backwards=backwards, limit=count
                )
        except kurrent_errors.NotFoundError:
            return ()

    async def _last_event(self, stream: str) -> kurrentdbclient.RecordedEvent | None:
        found = await self._read_stream_raw(stream, start=None, backwards=True, count=1)
        return found[0] if found else None

    async def _stream_version(self, stream: str) -> int:
        last = await self._last_event(stream)
        return last.stream_position + 1 if last else 0

    async def _version_at(self, stream: str, position: int) -> int:
        """The version of the event `append` reported at `position` (possibly written by an earlier call)."""
        client = await self._connected_client()
        with boundary():
            response = await client.read_all(commit_position=position, filter_exclude=(), limit=1)
            found = [event async for event in response]
        if found and found[0].commit_position == position and found[0].stream_name == stream:
            return found[0].stream_position + 1
        return await self._stream_version(stream)

    async def read_stream(
        self,
        stream: str,
        *,
        from_version: int = 1,
        to_version: int | None = None,
        backwards: bool = False,
        limit: int | None = None,
    ) -> list[RecordedEvent]:
        check_stream_name(stream)
        bottom = max(from_version, 1)
        top = to_version
        if backwards:
            # A backwards read must start at an existing event, so clamp to the stream's end first.
            current = await self._stream_version(stream)
            top = current if top is None else min(top, current)
        count = sys.maxsize if top is None else top - bottom + 1
        if limit is not None:
            count = min(count, limit)
        if count <= 0:
            return []
        start = (top if backwards and top is not None else bottom) - 1
        found = await self._read_stream_raw(stream, start=start, backwards=backwards, count=count)
        return [from_kurrent_event(event) for event in found]

    async def read_all(self, *, after: int = 0, limit: int = 1000) -> list[RecordedEvent]:
        client = await self._connected_client()
        return await read_all_events(client, after=after, limit=limit)

    def subscribe_all(self, *, after: int = 0) -> AsyncIterator[RecordedEvent]:
        return subscribe_to_all(self._connected_client, after=after, attempts=self._resubscribe_attempts)

    async def current_position(self) -> int:
        client = await self._connected_client()
        return await last_commit_position(client)

    async def close(self) -> None:
        self._closed = True
        if self._connected:
            self._connected = False
            with boundary():
                await self._client.close()
