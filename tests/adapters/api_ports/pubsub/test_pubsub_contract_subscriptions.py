"""The `PubSub` contract, subscriptions: on the in-process adapter and on Redis (across two replicas) a
channel stays subscribed while a subscriber remains and is unsubscribed everywhere once none does, and
closing the pubsub ends every subscription."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from tests.adapters.api_ports.pubsub.pubsub_harness import Harness, change, new_channel, next_message
from tests.adapters.api_ports.redis_server import eventually


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
