"""The `PubSub` contract: the in-process adapter and Redis (across two replicas) pass the same tests."""

from __future__ import annotations

import asyncio
import contextlib
import functools
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest
from redis.asyncio import Redis

from adapters.memory_pubsub import InMemoryPubSub
from adapters.redis_pubsub import RedisPubSub
from application.plan_changes import plan_changed_channel
from application.pubsub import MAX_MESSAGE_BYTES, PubSub, Subscription
from tests.api_support.redis_server import REDIS_URL, eventually, unique_prefix

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


async def test_every_subscriber_of_a_channel_gets_each_message_in_order(harness: Harness) -> None:
    channel = new_channel()
    async with harness.pubsub.subscribe(channel) as first, harness.pubsub.subscribe(channel) as second:
        for version in (1, 2, 3):
            await harness.peer.publish(channel, change(version))
        for subscription in (first, second):
            assert [await next_message(subscription) for _ in range(3)] == [change(v) for v in (1, 2, 3)]


async def test_a_message_reaches_no_other_channel(harness: Harness) -> None:
    channel, other = new_channel(), new_channel()
    async with (
        harness.pubsub.subscribe(channel) as subscription,
        harness.pubsub.subscribe(other) as bystander,
    ):
        await harness.peer.publish(channel, change(1))
        assert await next_message(subscription) == change(1)
        await assert_silent(bystander)


async def test_a_subscriber_hears_only_what_is_published_after_it_subscribed(harness: Harness) -> None:
    channel = new_channel()
    await harness.peer.publish(channel, change(1))
    async with harness.pubsub.subscribe(channel) as subscription:
        await harness.peer.publish(channel, change(2))
        assert await next_message(subscription) == change(2)
        await assert_silent(subscription)


async def test_a_publisher_s_own_subscribers_hear_each_message_once(harness: Harness) -> None:
    channel = new_channel()
    async with harness.pubsub.subscribe(channel) as subscription:
        await harness.pubsub.publish(channel, change(1))
        await harness.pubsub.publish(channel, change(2))
        assert [await next_message(subscription) for _ in range(2)] == [change(1), change(2)]
        await assert_silent(subscription, wait=0.3)


async def test_leaving_the_block_unsubscribes(harness: Harness) -> None:
    channel = new_channel()
    async with harness.pubsub.subscribe(channel) as subscription:
        await harness.peer.publish(channel, change(1))
        assert await next_message(subscription) == change(1)
    assert await eventually(lambda: harness.unsubscribed_everywhere(channel))
    async with harness.pubsub.subscribe(channel) as again:
        await harness.peer.publish(channel, change(2))
        assert await next_message(again) == change(2)
    assert await eventually(lambda: harness.unsubscribed_everywhere(channel))


async def test_the_channel_stays_subscribed_while_one_of_its_subscribers_remains(harness: Harness) -> None:
    channel = new_channel()
    async with harness.pubsub.subscribe(channel) as staying:
        async with harness.pubsub.subscribe(channel):
            pass
        await harness.peer.publish(channel, change(1))
        assert await next_message(staying) == change(1)


async def test_many_subscribers_on_many_channels_each_get_only_their_channel(harness: Harness) -> None:
    channels = [new_channel() for _ in range(20)]
    async with contextlib.AsyncExitStack() as stack:
        subscriptions = [
            (channel, await stack.enter_async_context(harness.pubsub.subscribe(channel)))
            for channel in channels
            for _ in range(10)
        ]
        for number, channel in enumerate(channels):
            await harness.peer.publish(channel, {"channel": number})
        for channel, subscription in subscriptions:
            assert await next_message(subscription) == {"channel": channels.index(channel)}
        await asyncio.gather(*(assert_silent(subscription, 0.1) for _, subscription in subscriptions))


async def test_a_slow_subscriber_keeps_only_the_newest_and_counts_the_dropped(harness: Harness) -> None:
    channel = new_channel()
    async with harness.pubsub.subscribe(channel) as slow, harness.pubsub.subscribe(channel) as fast:
        received: list[dict[str, Any]] = []

        async def read_all() -> None:
            async for message in fast:
                received.append(message)
                if len(received) == 12:
                    return

        async def caught_up(count: int) -> bool:
            return len(received) == count

        reader = asyncio.create_task(read_all())
        for version in range(1, 13):
            await harness.peer.publish(channel, change(version))
            assert await eventually(functools.partial(caught_up, version), pause=0.005)
        await asyncio.wait_for(reader, 2.0)  # by now the slow one got every message too

        assert received == [change(v) for v in range(1, 13)]
        assert fast.dropped == 0
        assert slow.dropped == 12 - MAX_PENDING
        assert [await next_message(slow) for _ in range(MAX_PENDING)] == [change(v) for v in range(8, 13)]
        await assert_silent(slow)


async def test_subscribers_get_copies_they_may_change(harness: Harness) -> None:
    channel = new_channel()
    async with harness.pubsub.subscribe(channel) as first, harness.pubsub.subscribe(channel) as second:
        await harness.peer.publish(channel, {"nested": {"n": 1}})
        mine = await next_message(first)
        mine["nested"]["n"] = 2
        assert await next_message(second) == {"nested": {"n": 1}}


async def test_a_reachable_pubsub_answers_a_ping(harness: Harness) -> None:
    await harness.pubsub.ping()


async def test_closing_the_pubsub_ends_every_subscription(harness: Harness) -> None:
    channel = new_channel()
    async with harness.pubsub.subscribe(channel) as subscription:

        async def drain() -> list[dict[str, Any]]:
            return [message async for message in subscription]

        reader = asyncio.create_task(drain())
        await asyncio.sleep(0.05)
        await harness.pubsub.close()
        assert await asyncio.wait_for(reader, 2.0) == []
    with pytest.raises(RuntimeError):
        async with harness.pubsub.subscribe(channel):
            pass


async def test_messages_are_json_objects_of_bounded_size(harness: Harness) -> None:
    channel = new_channel()
    with pytest.raises(TypeError):
        await harness.pubsub.publish(channel, ["not", "an", "object"])  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        await harness.pubsub.publish(channel, {"when": object()})
    with pytest.raises(ValueError, match="bytes"):
        await harness.pubsub.publish(channel, {"blob": "x" * MAX_MESSAGE_BYTES})
    with pytest.raises(ValueError, match="reserved"):
        await harness.pubsub.publish("__fitcoach_pubsub__", {})
    with pytest.raises(ValueError, match="characters"):
        await harness.pubsub.publish("", {})
