"""`InMemoryPubSub`: the `PubSub` port inside one process, for the embedded default without Redis.

Only subscribers of this process hear a publish, which is all there is with a single API process.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from adapters.memory.fanout import Fanout, Mailbox, encode_message
from application.pubsub import DEFAULT_MAX_PENDING, check_channel


class InMemoryPubSub:
    def __init__(self, *, max_pending: int = DEFAULT_MAX_PENDING) -> None:
        self._fanout = Fanout(max_pending)

    async def publish(self, channel: str, message: dict[str, Any]) -> None:
        check_channel(channel)
        self._fanout.deliver(channel, encode_message(message))

    @asynccontextmanager
    async def subscribe(self, channel: str) -> AsyncIterator[Mailbox]:
        check_channel(channel)
        mailbox, _ = self._fanout.add(channel)
        try:
            yield mailbox
        finally:
            self._fanout.remove(mailbox)

    async def ping(self) -> None:
        if self._fanout.closed:
            raise RuntimeError("this PubSub is closed")

    async def close(self) -> None:
        self._fanout.close()
