"""The `PubSub` contract, limits: on the in-process adapter and on Redis (across two replicas) a slow
subscriber keeps only the newest messages and counts the dropped, and a message is a JSON object of
bounded size on an allowed channel."""

from __future__ import annotations

import asyncio
import functools
from typing import Any

import pytest

from application.pubsub import MAX_MESSAGE_BYTES
from tests.adapters.api_ports.pubsub.pubsub_harness import (
    MAX_PENDING,
    Harness,
    assert_silent,
    change,
    new_channel,
    next_message,
)
from tests.adapters.api_ports.redis_server import eventually


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
