"""`Confirmations`: which SUBSCRIBE commands Redis has confirmed on `RedisPubSub`'s current connection.

Redis answers the commands of one connection in order, so the n-th confirmation of a channel answers the
n-th SUBSCRIBE of it. A new subscriber waits for the confirmation of the SUBSCRIBE sent for it, or of any
on a later connection (a reconnect subscribes again to every wanted channel); from then on every publish,
from any replica, reaches it. Counts of channels nobody listens to are dropped once nothing is outstanding,
so they do not grow with every plan ever watched.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field


@dataclass
class _Ready:
    epoch: int
    target: int
    done: asyncio.Event = field(default_factory=asyncio.Event)


class Confirmations:
    def __init__(self) -> None:
        self.epoch = 0
        """Which connection: one more on every (re)connection."""
        self._sent: Counter[str] = Counter()
        self._confirmed: Counter[str] = Counter()
        self._ready: dict[str, _Ready] = {}

    def new_connection(self, channels: Iterable[str]) -> None:
        """A fresh connection, about to SUBSCRIBE to `channels`."""
        self.epoch += 1
        self._sent.clear()
        self._confirmed.clear()
        self._sent.update(channels)

    def expect(self, channel: str, *, sending: bool) -> None:
        """A first local subscriber of `channel`: `sending` if a SUBSCRIBE goes out now, on this connection
        (else the next connection subscribes to it)."""
        self._ready[channel] = _Ready(self.epoch, self._sent[channel] + 1)
        if sending:
            self._sent[channel] += 1

    async def wait(self, channel: str, timeout_seconds: float) -> None:
        """Until Redis confirmed the channel's subscription, or the timeout passed."""
        ready = self._ready.get(channel)
        if ready is None or ready.done.is_set():
            return
        with contextlib.suppress(TimeoutError):  # a slow Redis: the subscription goes live when it answers
            async with asyncio.timeout(timeout_seconds):
                await ready.done.wait()

    def confirmed(self, channel: str, *, wanted: bool) -> None:
        """Redis confirmed a SUBSCRIBE of `channel`; `wanted` if it still has local subscribers."""
        self._confirmed[channel] += 1
        ready = self._ready.get(channel)
        if ready is not None and (ready.epoch < self.epoch or ready.target <= self._confirmed[channel]):
            ready.done.set()
        if not wanted:
            self.forget(channel)

    def forget(self, channel: str) -> None:
        """The channel's last local subscriber left."""
        self._ready.pop(channel, None)
        if self._confirmed[channel] >= self._sent[channel]:
            self._sent.pop(channel, None)
            self._confirmed.pop(channel, None)

    def tracked(self) -> set[str]:
        """Channels with any bookkeeping left (for tests)."""
        return set(self._sent) | set(self._confirmed) | set(self._ready)
