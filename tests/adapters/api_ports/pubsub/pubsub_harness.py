"""The harness of the `PubSub` contract (the `harness` fixture, in conftest.py, runs each contract test
against the in-process adapter and against Redis, across two replicas), with helpers to publish and await
messages."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

import pytest

from application.plan_changes import plan_changed_channel
from application.pubsub import PubSub, Subscription

MAX_PENDING = 5


@dataclass
class Harness:
    pubsub: PubSub
    """Where the tests subscribe."""
    peer: PubSub
    """Where they publish: the same object in process; another replica on Redis."""
    unsubscribed_everywhere: Callable[[str], Awaitable[bool]]


def new_channel() -> str:
    return plan_changed_channel(uuid.uuid4())


def change(version: int) -> dict[str, Any]:
    return {"plan_id": str(uuid.UUID(int=1)), "version": version, "position": 100 + version}


async def next_message(subscription: Subscription, within: float = 2.0) -> dict[str, Any]:
    return await asyncio.wait_for(anext(subscription), within)


async def assert_silent(subscription: Subscription, wait: float = 0.2) -> None:
    with pytest.raises(TimeoutError):
        await asyncio.wait_for(anext(subscription), wait)
