"""The `PubSub` port: small JSON messages fanned out to every subscriber of a channel, on every replica.

Delivery is at most once and best effort. A message published while a subscriber is not listening (not
subscribed yet, its replica cut off from Redis for a moment, or it fell so far behind that its oldest
messages were dropped) is gone. Messages are therefore hints, such as "plan X changed at version N": a
subscriber reads the current state itself, so a lost hint costs freshness until the next one, never
correctness. Each subscriber holds a bounded number of undelivered messages and drops the oldest past it
(counted in `Subscription.dropped`): for change hints the newest one is the one that matters.

Usage, e.g. in a GraphQL subscription resolver:

    async with pubsub.subscribe(plan_changed_channel(plan_id)) as messages:   # application.plan_changes
        async for message in messages:
            ...   # e.g. {"plan_id": ..., "version": 7}: read the plan if newer than what the client has
"""

from __future__ import annotations

from contextlib import AbstractAsyncContextManager
from typing import Any, Protocol

MAX_CHANNEL_LENGTH = 200
MAX_MESSAGE_BYTES = 64 * 1024
"""Largest encoded message; bigger ones are refused at publish (a hint should be a handful of fields)."""
DEFAULT_MAX_PENDING = 100
"""Undelivered messages a subscriber may hold before its oldest are dropped."""


class Subscription(Protocol):
    """The messages of one channel, in publish order per publisher, until the subscription ends."""

    @property
    def channel(self) -> str: ...

    @property
    def dropped(self) -> int:
        """Messages dropped (oldest first) because this subscriber fell behind."""
        ...

    def __aiter__(self) -> Subscription: ...

    async def __anext__(self) -> dict[str, Any]: ...


class PubSub(Protocol):
    async def publish(self, channel: str, message: dict[str, Any]) -> None:
        """Deliver to the channel's current subscribers everywhere. Never raises for an unreachable broker;
        raises TypeError for a message that is not JSON and ValueError for one over `MAX_MESSAGE_BYTES`."""
        ...

    def subscribe(self, channel: str) -> AbstractAsyncContextManager[Subscription]:
        """Listen to `channel` for the duration of the block: once entered, later publishes reach it
        (unless the broker is down). Leaving the block unsubscribes; closing the PubSub ends the iteration."""
        ...

    async def ping(self) -> None:
        """Raises unless the broker answers and this process's subscriptions are live (for readiness)."""
        ...

    async def close(self) -> None: ...


def check_channel(channel: str) -> None:
    if not channel or len(channel) > MAX_CHANNEL_LENGTH:
        raise ValueError(f"a channel name has 1 to {MAX_CHANNEL_LENGTH} characters")
    if channel.startswith("__"):
        raise ValueError("channel names starting with '__' are reserved")
