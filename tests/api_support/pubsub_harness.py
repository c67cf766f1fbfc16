"""The harness of the `PubSub` contract: the `harness` fixture runs each contract test against the
in-process adapter and against Redis (across two replicas), with helpers to publish and await messages."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from redis.asyncio import Redis

from adapters.memory.pubsub import InMemoryPubSub
from adapters.redis.pubsub import RedisPubSub
from application.plan_changes import plan_changed_channel
from application.pubsub import PubSub, Subscription
from tests.api_support.redis_server import REDIS_URL, unique_prefix

MAX_PENDING = 5


@dataclass
class Harness:
    pubsub: PubSub
    """Where the tests subscribe."""
    peer: PubSub
    """Where they publish: the same object in process; another replica on Redis."""
    unsubscribed_everywhere: Callable[[str], Awaitable[bool]]


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


def new_channel() -> str:
    return plan_changed_channel(uuid.uuid4())


def change(version: int) -> dict[str, Any]:
    return {"plan_id": str(uuid.UUID(int=1)), "version": version, "position": 100 + version}


async def next_message(subscription: Subscription, within: float = 2.0) -> dict[str, Any]:
    return await asyncio.wait_for(anext(subscription), within)


async def assert_silent(subscription: Subscription, wait: float = 0.2) -> None:
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(anext(subscription), wait)
