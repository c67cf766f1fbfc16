"""The `harness` fixture: each `PubSub` contract test runs against the in-process adapter and against Redis
(across two replicas)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from adapters.memory.pubsub import InMemoryPubSub
from adapters.redis.pubsub import RedisPubSub
from tests.adapters.api_ports.pubsub.pubsub_harness import MAX_PENDING, Harness
from tests.adapters.api_ports.redis_server import REDIS_URL, unique_prefix


@pytest.fixture(params=["memory", "redis"])
async def harness(request: pytest.FixtureRequest) -> AsyncIterator[Harness]:
    if request.param == "memory":
        memory = InMemoryPubSub(max_pending=MAX_PENDING)

        async def no_local_subscriber(channel: str) -> bool:
            return not memory._fanout.has_subscribers(channel)

        yield Harness(memory, memory, no_local_subscriber)
        await memory.close()
        return
    prefix = unique_prefix()
    here = await RedisPubSub.connect(REDIS_URL, prefix=prefix, max_pending=MAX_PENDING)
    there = await RedisPubSub.connect(REDIS_URL, prefix=prefix, max_pending=MAX_PENDING)
    raw = Redis.from_url(REDIS_URL)

    async def unsubscribed_in_redis(channel: str) -> bool:
        if here._fanout.has_subscribers(channel):
            return False
        counts = dict(await raw.pubsub_numsub(prefix + channel))
        return counts[(prefix + channel).encode()] == 0

    try:
        yield Harness(here, there, unsubscribed_in_redis)
    finally:
        await here.close()
        await there.close()
        await raw.aclose()
