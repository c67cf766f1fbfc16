"""`KurrentEventStore`: the `EventStore` port on KurrentDB, through kurrentdbclient's asyncio client.

Reads of `$all` (paged reads and the current position) skip system events; the live subscription
resumes after dropped connections. The translations to and from kurrentdbclient's types are in `mapping`.
"""

from __future__ import annotations

import asyncio
import contextlib
import sys
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence

import kurrentdbclient
from kurrentdbclient import AsyncKurrentDBClient
from kurrentdbclient import exceptions as kurrent_errors

from adapters.kurrentdb.mapping import (
    CLIENT_ERRORS,
    RESUBSCRIBE_MAX_ATTEMPTS,
    SYSTEM_EVENT_TYPES,
    actual_version,
    boundary,
    from_kurrent_event,
    is_system_event,
    is_transient,
    redact_uri,
    resubscribe_delay,
    to_kurrent_event,
    to_kurrent_expected,
    translate_error,
    version_after_append,
)
from application.eventstore import (
    AppendResult,
    EventStoreError,
    ExpectedVersion,
    NewEvent,
    RecordedEvent,
    StreamAppend,
    WrongExpectedVersion,
    check_stream_name,
    expected_matches,
)

PAGE_SIZE = 256

ConnectedClient = Callable[[], Awaitable[AsyncKurrentDBClient]]


async def read_all_events(client: AsyncKurrentDBClient, *, after: int, limit: int) -> list[RecordedEvent]:
    """Up to `limit` non-system events after commit position `after`, in position order."""
    collected: list[RecordedEvent] = []
    cursor = max(after, 0)
    while len(collected) < limit:
        # Reading forwards from a commit position includes the event at it, hence one more.
        wanted = limit - len(collected) + (1 if cursor else 0)
        with boundary():
            response = await client.read_all(
                commit_position=cursor or None, filter_exclude=SYSTEM_EVENT_TYPES, limit=wanted
            )
            page = [event async for event in response]
        collected.extend(
            from_kurrent_event(event)
            for event in page
            if event.commit_position > cursor and not is_system_event(event)
        )
        if len(page) < wanted:
            break
        cursor = page[-1].commit_position
    return collected[:limit]


async def last_commit_position(client: AsyncKurrentDBClient) -> int:
    """The commit position of the newest non-system event, or 0 if there is none."""
    cursor: int | None = None
    while True:
        # Reading backwards from a commit position excludes the event at it.
        with boundary():
            response = await client.read_all(
                commit_position=cursor, backwards=True, filter_exclude=SYSTEM_EVENT_TYPES, limit=PAGE_SIZE
            )
            page = [event async for event in response]
        for event in page:
            if not is_system_event(event):
                return event.commit_position
        if len(page) < PAGE_SIZE:
            return 0
        cursor = page[-1].commit_position


async def subscribe_to_all(
    connected_client: ConnectedClient, *, after: int, attempts: int
) -> AsyncIterator[RecordedEvent]:
    """Non-system events after `after`, live and forever; resubscribes up to `attempts` times in a row."""
    last_seen = max(after, 0)
    failures = 0
    while True:
        client = await connected_client()
        subscription = None
        try:
            subscription = await client.subscribe_to_all(
                commit_position=last_seen or None, filter_exclude=SYSTEM_EVENT_TYPES
            )
            failures = 0
            async for event in subscription:
                if event.commit_position <= last_seen:
                    continue
                last_seen = event.commit_position
                if not is_system_event(event):
                    yield from_kurrent_event(event)
            failures += 1  # the server ended the subscription: resume it like a dropped one
        except CLIENT_ERRORS as error:
            failures += 1
            if not is_transient(error) or failures > attempts:
                raise translate_error(error) from error
        finally:
            if subscription is not None:
                # Cleanup of a subscription that is over anyway; its own errors change nothing.
                with contextlib.suppress(*CLIENT_ERRORS):
                    await subscription.stop()
        await asyncio.sleep(resubscribe_delay(failures))


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

    async def append_many(self, appends: Sequence[StreamAppend]) -> list[AppendResult]:
        # One call per stream: KurrentDB appends to several streams at once only from version 25.1 on.
        return [await self.append(each.stream, each.events, each.expected_version) for each in appends]

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
