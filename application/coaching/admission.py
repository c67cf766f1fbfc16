"""How many replies a worker starts at once: reading the session, claiming the message and building the
context, everything before the model is asked.

Told of many messages at once (a burst, or a sweep finding a backlog), a worker would otherwise start all
of them together. Their reads, claims and context builds interleave on one event loop, so each finishes
only when nearly all have, and the tokens of the replies already streaming wait behind them. With a few
turns at a time, the first messages are answered first and the streams in flight keep their pace; the
last message of the burst waits about as long as it did.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

STARTING_AT_ONCE = 8


class StartingTurn:
    """One reply's turn to start; `done()` gives it back (again, or after the reply ended: nothing)."""

    def __init__(self, semaphore: asyncio.Semaphore) -> None:
        self._semaphore: asyncio.Semaphore | None = semaphore

    def done(self) -> None:
        if self._semaphore is not None:
            self._semaphore.release()
            self._semaphore = None


class StartingReplies:
    def __init__(self, at_once: int = STARTING_AT_ONCE) -> None:
        if at_once < 1:
            raise ValueError("at_once must be 1 or more")
        self._semaphore = asyncio.Semaphore(at_once)

    @asynccontextmanager
    async def turn(self) -> AsyncIterator[StartingTurn]:
        """Wait for a turn; it is given back by `done()`, or when the block ends."""
        await self._semaphore.acquire()
        turn = StartingTurn(self._semaphore)
        try:
            yield turn
        finally:
            turn.done()
