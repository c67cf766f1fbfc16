"""What only `RedisPubSub` promises: one Redis connection per process, replicas hear each other, and an
outage neither crashes subscribers nor outlives Redis's return. Outages use a throwaway `redis-server`."""

from __future__ import annotations

import asyncio
import logging
import uuid
from typing import Any

import pytest
from redis.asyncio import Redis
from redis.exceptions import ConnectionError as RedisConnectionError

from adapters.redis.pubsub import RedisPubSub
from application.plan_changes import plan_changed_channel
from application.pubsub import PubSub, Subscription
from tests.adapters.api_ports.redis_server import REDIS_URL, RedisServer, eventually, unique_prefix

LOGGER = "adapters.redis.pubsub"
FAST: dict[str, Any] = {"backoff": (0.05, 0.2)}


def logs(caplog: pytest.LogCaptureFixture, level: int) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == LOGGER and r.levelno == level]


async def next_message(subscription: Subscription, within: float = 2.0) -> dict[str, Any]:
    return await asyncio.wait_for(anext(subscription), within)


async def reaches(publisher: PubSub, subscription: Subscription, message: dict[str, Any]) -> bool:
    """Publish until the subscription hears it (for a connection that is still coming back)."""

    async def heard() -> bool:
        await publisher.publish(subscription.channel, message)
        try:
            return await asyncio.wait_for(anext(subscription), 0.1) == message
        except TimeoutError:
            return False

    return await eventually(heard, attempts=100)


async def test_one_redis_subscription_per_channel_serves_every_local_subscriber() -> None:
    prefix = unique_prefix()
    pubsub = await RedisPubSub.connect(REDIS_URL, prefix=prefix)
    raw = Redis.from_url(REDIS_URL)
    channel = plan_changed_channel(uuid.uuid4())
    try:
        subscriptions = [pubsub.subscribe(channel) for _ in range(25)]
        entered = [await subscription.__aenter__() for subscription in subscriptions]
        assert dict(await raw.pubsub_numsub(prefix + channel)) == {(prefix + channel).encode(): 1}
        await raw.publish(prefix + channel, b"x" * 16 + b'{"n": 1}')  # as if from another replica
        assert [await next_message(subscription) for subscription in entered] == [{"n": 1}] * 25
        for subscription in subscriptions:
            await subscription.__aexit__(None, None, None)
    finally:
        await pubsub.close()
        await raw.aclose()


async def test_a_publish_on_one_replica_reaches_the_subscribers_of_every_replica_once() -> None:
    prefix = unique_prefix()
    replicas = [await RedisPubSub.connect(REDIS_URL, prefix=prefix) for _ in range(3)]
    channel = plan_changed_channel(uuid.uuid4())
    try:
        async with (
            replicas[0].subscribe(channel) as first,
            replicas[1].subscribe(channel) as second,
            replicas[2].subscribe(channel) as third,
        ):
            await replicas[0].publish(channel, {"n": 1})
            await replicas[2].publish(channel, {"n": 2})
            for subscription in (first, second, third):
                assert {(await next_message(subscription))["n"] for _ in range(2)} == {1, 2}
                with pytest.raises(TimeoutError):
                    await asyncio.wait_for(anext(subscription), 0.2)
    finally:
        for replica in replicas:
            await replica.close()


async def test_malformed_messages_from_outside_are_ignored(caplog: pytest.LogCaptureFixture) -> None:
    prefix = unique_prefix()
    pubsub = await RedisPubSub.connect(REDIS_URL, prefix=prefix)
    raw = Redis.from_url(REDIS_URL)
    channel = plan_changed_channel(uuid.uuid4())
    try:
        async with pubsub.subscribe(channel) as subscription:
            for garbage in (b"short", b"o" * 16 + b"not json", b"o" * 16 + b"[1, 2]"):
                await raw.publish(prefix + channel, garbage)
            await raw.publish(prefix + channel, b"o" * 16 + b'{"ok": true}')
            assert await next_message(subscription) == {"ok": True}
        assert logs(caplog, logging.ERROR) == [f"ignored a malformed message on {channel}"] * 3
    finally:
        await pubsub.close()
        await raw.aclose()


async def test_subscribers_survive_a_redis_restart_and_hear_other_replicas_again(
    redis_server: RedisServer, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger=LOGGER)
    here = await RedisPubSub.connect(redis_server.url, **FAST)
    there = await RedisPubSub.connect(redis_server.url, **FAST)
    channel = plan_changed_channel(uuid.uuid4())
    try:
        async with here.subscribe(channel) as remote, there.subscribe(channel) as local:
            await there.publish(channel, {"n": 1})
            assert await next_message(remote) == {"n": 1}
            assert await next_message(local) == {"n": 1}

            await here.ping()
            await redis_server.kill()
            with pytest.raises(RedisConnectionError):
                await here.ping()
            for n in range(2, 40):
                await there.publish(channel, {"n": n})  # never raises
                await asyncio.sleep(0.01)
            # The publisher's own subscribers still hear it; the other replica's are cut off, not broken.
            assert [(await next_message(local))["n"] for _ in range(38)] == list(range(2, 40))
            assert len(logs(caplog, logging.WARNING)) == 2  # once per replica

            await redis_server.start()
            assert await reaches(there, remote, {"n": "back"})
            assert await reaches(here, local, {"n": "back too"})
            assert logs(caplog, logging.INFO).count("pub/sub: Redis reachable again") == 2
            assert len(logs(caplog, logging.WARNING)) == 2
            await here.ping()
    finally:
        await here.close()
        await there.close()


async def test_a_pubsub_started_while_redis_is_down_works_once_it_comes_up(
    tmp_path: Any, caplog: pytest.LogCaptureFixture
) -> None:
    server = RedisServer(tmp_path)  # its port is chosen, nothing listens on it yet
    here = await RedisPubSub.connect(server.url, **FAST)
    there = await RedisPubSub.connect(server.url, **FAST)
    channel = plan_changed_channel(uuid.uuid4())
    try:
        async with here.subscribe(channel) as subscription:
            await there.publish(channel, {"n": 0})
            assert len(logs(caplog, logging.WARNING)) == 2
            await server.start()
            assert await reaches(there, subscription, {"n": 1})
    finally:
        await here.close()
        await there.close()
        await server.kill()


async def test_with_redis_not_answering_subscribe_and_publish_return_promptly(
    redis_server: RedisServer,
) -> None:
    here = await RedisPubSub.connect(redis_server.url, subscribe_timeout_seconds=0.5, **FAST)
    there = await RedisPubSub.connect(redis_server.url, **FAST)
    raw = Redis.from_url(redis_server.url)
    channel = plan_changed_channel(uuid.uuid4())
    loop = asyncio.get_running_loop()
    try:
        await raw.client_pause(1500, all=True)  # Redis answers nothing for 1.5 s
        started = loop.time()
        async with here.subscribe(channel) as subscription:
            await there.publish(channel, {"n": 1})
            assert loop.time() - started < 1.0
            assert await reaches(there, subscription, {"n": 2})  # once Redis answers again
    finally:
        await raw.aclose()
        await here.close()
        await there.close()


async def test_the_bookkeeping_of_channels_nobody_listens_to_is_dropped() -> None:
    pubsub = await RedisPubSub.connect(REDIS_URL, prefix=unique_prefix())
    try:
        for _ in range(50):
            async with pubsub.subscribe(plan_changed_channel(uuid.uuid4())):
                pass

        async def forgotten() -> bool:
            return pubsub._confirmations.tracked() <= {"__fitcoach_pubsub__"}

        assert await eventually(forgotten)
    finally:
        await pubsub.close()
