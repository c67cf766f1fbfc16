"""Reads of KurrentDB's `$all` for `KurrentEventStore`: paged reads and the current position, both
skipping system events, and the live subscription that resumes after dropped connections.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

from kurrentdbclient import AsyncKurrentDBClient

from adapters.kurrentdb.mapping import (
    CLIENT_ERRORS,
    SYSTEM_EVENT_TYPES,
    boundary,
    from_kurrent_event,
    is_system_event,
    is_transient,
    resubscribe_delay,
    translate_error,
)
from application.eventstore import RecordedEvent

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
