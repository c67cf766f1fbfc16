"""The `feeds` fixture: each `ChatFeed` contract test runs against the in-process adapter (with a clock the
test moves) and against Redis (two replicas on the real Redis, under a key prefix of their own)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from typing import Any
from uuid import UUID

import pytest
from redis.asyncio import Redis

from adapters.memory.chat_feed import InMemoryChatFeed
from adapters.redis.chat_feed import RedisChatFeed
from adapters.redis.pubsub import RedisPubSub
from tests.adapters.api_ports.chat_feed.feed_harness import Feeds, Pair
from tests.adapters.api_ports.redis_server import REDIS_URL, delete_prefixed, eventually, unique_prefix
from tests.adapters.api_ports.test_rate_limits_contract import FakeClock

REDIS_NODE_ENTRIES = 100
"""Redis's default `stream-node-max-entries`: `MAXLEN ~` keeps up to one node more than asked."""


@pytest.fixture(params=["memory", "redis"])
async def feeds(request: pytest.FixtureRequest) -> AsyncIterator[Feeds]:
    async with contextlib.AsyncExitStack() as stack:
        if request.param == "memory":
            yield _memory(stack)
        else:
            yield await _redis(stack)


def _memory(stack: contextlib.AsyncExitStack) -> Feeds:
    clock = FakeClock()
    ttls: dict[int, float] = {}

    async def open_pair(**bounds: Any) -> Pair:
        feed = InMemoryChatFeed(clock=clock, **bounds)
        ttls[id(feed)] = bounds["ttl_seconds"]
        stack.push_async_callback(feed.close)
        return Pair(feed, feed)

    async def held(pair: Pair, session_id: UUID) -> int:
        assert isinstance(pair.writer, InMemoryChatFeed)
        return pair.writer.held(session_id)

    async def expire(pair: Pair, session_id: UUID) -> None:
        clock.now += ttls[id(pair.writer)] + 1

    return Feeds("memory", open_pair, held, expire)


async def _redis(stack: contextlib.AsyncExitStack) -> Feeds:
    prefix = unique_prefix()
    stack.push_async_callback(delete_prefixed, REDIS_URL, prefix)
    raw = Redis.from_url(REDIS_URL)
    stack.push_async_callback(raw.aclose)
    here = await RedisPubSub.connect(REDIS_URL, prefix=prefix)
    stack.push_async_callback(here.close)
    there = await RedisPubSub.connect(REDIS_URL, prefix=prefix)
    stack.push_async_callback(there.close)

    async def open_pair(**bounds: Any) -> Pair:
        writer = await RedisChatFeed.connect(REDIS_URL, here, prefix=prefix, **bounds)
        stack.push_async_callback(writer.close)
        reader = await RedisChatFeed.connect(REDIS_URL, there, prefix=prefix, **bounds)
        stack.push_async_callback(reader.close)
        return Pair(writer, reader)

    def key(session_id: UUID, part: str) -> str:
        return f"{prefix}coach-chat:{{{session_id}}}:{part}"

    async def held(pair: Pair, session_id: UUID) -> int:
        return int(await raw.xlen(key(session_id, "entries")))

    async def expire(pair: Pair, session_id: UUID) -> None:
        async def gone() -> bool:
            return not await raw.exists(key(session_id, "meta"), key(session_id, "entries"))

        assert await eventually(gone, attempts=400), "the feed did not expire"

    return Feeds("redis", open_pair, held, expire, slack=REDIS_NODE_ENTRIES)
