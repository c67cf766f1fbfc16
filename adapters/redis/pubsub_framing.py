"""`Framing`: how `RedisPubSub`'s channels and messages look in Redis. Channel names carry the key prefix;
each payload is the publishing process's id followed by the JSON message, so a process can skip its own echo.
"""

from __future__ import annotations

import uuid
from typing import Any

from adapters.memory.fanout import is_message

ORIGIN_BYTES = 16


class Framing:
    def __init__(self, prefix: str) -> None:
        self._prefix = prefix
        self._prefix_bytes = prefix.encode()
        self._origin = uuid.uuid4().bytes

    def channel_in_redis(self, channel: str) -> str:
        return self._prefix + channel

    def local_channel(self, raw_channel: Any) -> str | None:
        """The channel's name without the prefix; None for a channel outside the prefix."""
        if not isinstance(raw_channel, bytes) or not raw_channel.startswith(self._prefix_bytes):
            return None
        return raw_channel[len(self._prefix_bytes) :].decode(errors="replace")

    def payload(self, data: bytes) -> bytes:
        """What this process publishes in Redis for the encoded message `data`."""
        return self._origin + data

    def is_own(self, payload: Any) -> bool:
        """Whether a payload heard from Redis was published by this process."""
        return isinstance(payload, bytes) and payload[:ORIGIN_BYTES] == self._origin


def message_data(payload: Any) -> bytes | None:
    """The encoded message a payload from Redis carries; None if it is malformed."""
    if not isinstance(payload, bytes) or not is_message(payload[ORIGIN_BYTES:]):
        return None
    return payload[ORIGIN_BYTES:]
