"""`Incoming`: what `RedisPubSub`'s connection reads from Redis, routed: the confirmations of its SUBSCRIBE
commands to `Confirmations`, the messages of other processes to the local subscribers (`Fanout`).
"""

from __future__ import annotations

import logging
from typing import Any

from adapters.memory.fanout import Fanout
from adapters.redis.confirmations import Confirmations
from adapters.redis.pubsub_framing import Framing, message_data

log = logging.getLogger("adapters.redis.pubsub")  # the adapter's one logger, whichever module logs
CONTROL_CHANNEL = "__fitcoach_pubsub__"
"""Always subscribed: its confirmation proves a (re)connection, and it keeps the connection in use."""


class Incoming:
    def __init__(self, framing: Framing, fanout: Fanout, confirmations: Confirmations) -> None:
        self._framing = framing
        self._fanout = fanout
        self._confirmations = confirmations

    def handle(self, message: dict[str, Any]) -> bool:
        """Deliver or count one message from Redis; True if it confirmed a (re)connection."""
        channel = self._framing.local_channel(message.get("channel"))
        if channel is None:
            return False
        if message["type"] == "subscribe":
            wanted = channel == CONTROL_CHANNEL or self._fanout.has_subscribers(channel)
            self._confirmations.confirmed(channel, wanted=wanted)
            return channel == CONTROL_CHANNEL
        if message["type"] == "message":
            self._deliver(channel, message["data"])
        return False

    def _deliver(self, channel: str, payload: Any) -> None:
        if self._framing.is_own(payload):
            return  # published here, and already delivered locally
        data = message_data(payload)
        if data is None:
            log.error("ignored a malformed message on %s", channel)
            return
        self._fanout.deliver(channel, data)
