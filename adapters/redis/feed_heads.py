"""`FeedHeads`: where many chat feeds' heads are now, read together, for followers that went quiet.

A follower of `RedisChatFeed` that has heard no live message for a while asks whether its feed moved on
without it (a lost announcement). With a thousand quiet followers in a process that is a thousand reads
every recheck period, each a round trip and a script; most find nothing. So the question is cheaper:
each follower asks for the head of its feed (origin and number, one HMGET of the feed's meta hash), and
the questions asked within `window_seconds` of each other go to Redis in one pipeline. Only a follower
whose feed did move on reads its entries (the feed's own script, which decides about gaps).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from redis.asyncio import Redis

from application.coaching.chat_feed import FeedCursor


@dataclass(frozen=True, slots=True)
class FeedHead:
    origin: str | None
    """None: the feed is gone (expired, or never written)."""
    number: int

    def moved_past(self, cursor: FeedCursor) -> bool:
        """Whether a follower at `cursor` has something to read: entries after it, or a gap (its feed
        is gone or started again under another origin)."""
        return self.origin != cursor.origin or self.number > cursor.number


class FeedHeads:
    def __init__(self, client: Redis, meta_key: Callable[[UUID], str], *, window_seconds: float) -> None:
        self._client = client
        self._meta_key = meta_key
        self._window = window_seconds
        self._asked: dict[UUID, list[asyncio.Future[FeedHead]]] = {}
        self._reading: asyncio.Task[None] | None = None

    async def head(self, session_id: UUID) -> FeedHead:
        """The session's feed head, read with the others asked for meanwhile; raises what the read
        raised (a Redis failure) for every one of them."""
        future: asyncio.Future[FeedHead] = asyncio.get_running_loop().create_future()
        self._asked.setdefault(session_id, []).append(future)
        if self._reading is None:
            self._reading = asyncio.create_task(self._read_soon(), name="chat feed heads")
        return await future

    async def _read_soon(self) -> None:
        asked = self._asked
        try:
            await asyncio.sleep(self._window)
            self._asked, self._reading = {}, None  # later questions go to the next read
            replies = await self._read(list(asked))
        except asyncio.CancelledError:
            if self._asked is asked:
                self._asked, self._reading = {}, None
            for future in _waiting(asked):
                future.cancel()
            raise
        except Exception as error:  # each asker decides what a failure means
            for future in _waiting(asked):
                future.set_exception(error)
            return
        for futures, (origin, head) in zip(asked.values(), replies, strict=True):
            answer = FeedHead(None if origin is None else origin.decode(), int(head or 0))
            for future in futures:
                if not future.done():  # its follower may have gone meanwhile
                    future.set_result(answer)

    async def _read(self, session_ids: list[UUID]) -> list[Any]:
        pipeline = self._client.pipeline(transaction=False)
        for session_id in session_ids:
            pipeline.hmget(self._meta_key(session_id), "origin", "head")
        return await pipeline.execute()


def _waiting(asked: dict[UUID, list[asyncio.Future[FeedHead]]]) -> list[asyncio.Future[FeedHead]]:
    return [future for futures in asked.values() for future in futures if not future.done()]
