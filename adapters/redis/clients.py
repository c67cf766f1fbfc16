"""The Redis clients of the request-path adapters (rate limits, persisted queries, pub/sub).

Short socket timeouts, so a slow Redis counts as down instead of slowing requests, and one retry on a fresh
connection for a pooled one that a restarted server closed. The pool is bounded and requests queue for a
connection: a burst of a hundred concurrent requests would otherwise open a hundred connections at once,
and the slowest of those connects would pass the timeout and be taken for an outage.
"""

from __future__ import annotations

from redis.asyncio import BlockingConnectionPool, Redis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import ConnectionError as RedisConnectionError

DEFAULT_MAX_CONNECTIONS = 16


def request_client(
    url: str, *, timeout_seconds: float, max_connections: int = DEFAULT_MAX_CONNECTIONS
) -> Redis:
    pool = BlockingConnectionPool.from_url(
        url,
        max_connections=max_connections,
        timeout=max(1.0, 10 * timeout_seconds),  # waiting for a free connection; longer counts as down
        socket_timeout=timeout_seconds,
        socket_connect_timeout=timeout_seconds,
        retry=Retry(NoBackoff(), 1, supported_errors=(RedisConnectionError,)),
    )
    return Redis.from_pool(pool)


def subscriber_client(url: str, *, timeout_seconds: float) -> Redis:
    """For `RedisPubSub`'s one pub/sub connection: its reads pass their own timeout, this one bounds the
    handshake and writes; no retries (its reader reconnects by itself), a PING every 5 s while idle."""
    return Redis.from_url(
        url,
        socket_timeout=max(1.0, timeout_seconds),
        socket_connect_timeout=timeout_seconds,
        retry=Retry(NoBackoff(), 0),
        health_check_interval=5,
    )
