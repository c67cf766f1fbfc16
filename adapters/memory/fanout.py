"""`Fanout`: the subscribers of this process, each with a bounded mailbox; both PubSub adapters use it.

Messages travel as encoded JSON bytes and are decoded for each subscriber as it reads, so subscribers never
share (and mutate) one dict. A mailbox holds at most `max_pending` messages; past that it drops the oldest,
so a slow or stalled client costs at most `max_pending * MAX_MESSAGE_BYTES` of memory, and what it reads
next is the newest news.
"""

from __future__ import annotations

import asyncio
import logging
from collections import deque
from typing import Any

import orjson

from application.pubsub import MAX_MESSAGE_BYTES

log = logging.getLogger("adapters.pubsub")


def encode_message(message: dict[str, Any]) -> bytes:
    if not isinstance(message, dict):
        raise TypeError("a message is a JSON object (a dict)")
    data = orjson.dumps(message)  # orjson.JSONEncodeError is a TypeError
    if len(data) > MAX_MESSAGE_BYTES:
        raise ValueError(f"a message is at most {MAX_MESSAGE_BYTES} bytes of JSON, this one {len(data)}")
    return data


def is_message(data: bytes) -> bool:
    """Whether bytes from outside (another replica, via Redis) decode to a message: a JSON object."""
    try:
        return isinstance(orjson.loads(data), dict)
    except orjson.JSONDecodeError:
        return False


class Mailbox:
    """One subscriber's `Subscription`."""

    def __init__(self, channel: str, max_pending: int) -> None:
        self.channel = channel
        self.dropped = 0
        self._max_pending = max_pending
        self._pending: deque[bytes] = deque()
        self._wakeup = asyncio.Event()
        self._closed = False

    def deliver(self, data: bytes) -> None:
        if self._closed:
            return
        if len(self._pending) >= self._max_pending:
            self._pending.popleft()
            self.dropped += 1
            if self.dropped == 1:
                log.info(
                    "a subscriber of %s fell %d messages behind: dropping its oldest",
                    self.channel,
                    self._max_pending,
                )
        self._pending.append(data)
        self._wakeup.set()

    def close(self) -> None:
        """End the iteration once the messages already delivered are read."""
        self._closed = True
        self._wakeup.set()

    def __aiter__(self) -> Mailbox:
        return self

    async def __anext__(self) -> dict[str, Any]:
        while not self._pending:
            if self._closed:
                raise StopAsyncIteration
            self._wakeup.clear()
            await self._wakeup.wait()
        message: dict[str, Any] = orjson.loads(self._pending.popleft())
        return message


class Fanout:
    def __init__(self, max_pending: int) -> None:
        if max_pending < 1:
            raise ValueError("max_pending must be at least 1")
        self._max_pending = max_pending
        self._subscribers: dict[str, set[Mailbox]] = {}
        self.closed = False

    def add(self, channel: str) -> tuple[Mailbox, bool]:
        """A new mailbox on `channel`, and whether it is the channel's first in this process."""
        if self.closed:
            raise RuntimeError("this PubSub is closed")
        mailbox = Mailbox(channel, self._max_pending)
        mailboxes = self._subscribers.setdefault(channel, set())
        mailboxes.add(mailbox)
        return mailbox, len(mailboxes) == 1

    def remove(self, mailbox: Mailbox) -> bool:
        """Drop the mailbox; True if its channel has no subscriber left in this process."""
        mailbox.close()
        mailboxes = self._subscribers.get(mailbox.channel)
        if mailboxes is None or mailbox not in mailboxes:
            return False
        mailboxes.discard(mailbox)
        if mailboxes:
            return False
        del self._subscribers[mailbox.channel]
        return True

    def has_subscribers(self, channel: str) -> bool:
        return channel in self._subscribers

    def channels(self) -> list[str]:
        return list(self._subscribers)

    def deliver(self, channel: str, data: bytes) -> int:
        mailboxes = self._subscribers.get(channel, ())
        for mailbox in mailboxes:
            mailbox.deliver(data)
        return len(mailboxes)

    def close(self) -> None:
        self.closed = True
        for mailboxes in self._subscribers.values():
            for mailbox in mailboxes:
                mailbox.close()
        self._subscribers.clear()
