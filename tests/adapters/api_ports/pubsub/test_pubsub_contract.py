"""The `PubSub` contract, delivery: the in-process adapter and Redis (across two replicas) deliver each
message, in order and once, to every subscriber of its channel and to no other, as copies of its own."""

from __future__ import annotations

import asyncio
import contextlib

from tests.adapters.api_ports.pubsub.pubsub_harness import (
    Harness,
    assert_silent,
    change,
    new_channel,
    next_message,
)


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


async def test_subscribers_get_copies_they_may_change(harness: Harness) -> None:
    channel = new_channel()
    async with harness.pubsub.subscribe(channel) as first, harness.pubsub.subscribe(channel) as second:
        await harness.peer.publish(channel, {"nested": {"n": 1}})
        mine = await next_message(first)
        mine["nested"]["n"] = 2
        assert await next_message(second) == {"nested": {"n": 1}}
