"""The adapters `build_api` picks from the settings: the cache, pub/sub, the chat feed, the rate limiters
and persisted queries (Redis when configured, else in process), and the access-token secret. Nothing
connects at import.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Awaitable, Callable
from pathlib import Path

from application.cache import Cache
from application.coaching.chat_feed import ChatFeed
from application.persisted_queries import PersistedQueries
from application.pubsub import PubSub
from application.rate_limits import RateLimiter, TokenBuckets
from fitcoach.settings import Settings
from fitcoach.wiring.core import redis_pubsub_from

JWT_SECRET_FILE = "jwt-secret"


async def api_cache_from(settings: Settings) -> Cache:
    if settings.redis_url is None:
        from adapters.memory.cache import InMemoryCache

        return InMemoryCache(settings.cache_max_entries)
    from adapters.redis.cache import RedisCache

    return await RedisCache.connect(
        settings.redis_url,
        prefix=settings.redis_key_prefix,
        timeout_seconds=settings.redis_timeout_seconds,
        l1_max_entries=settings.cache_max_entries,
        l1_ttl_seconds=settings.cache_l1_ttl_seconds,
    )


async def pubsub_from(settings: Settings) -> PubSub:
    """Redis pub/sub when configured (shared by every replica), else in process."""
    shared = await redis_pubsub_from(settings)
    if shared is not None:
        return shared
    from adapters.memory.pubsub import InMemoryPubSub

    return InMemoryPubSub(max_pending=settings.pubsub_max_pending)


async def chat_feed_from(settings: Settings, pubsub: PubSub) -> ChatFeed:
    """Redis Streams when configured (every replica and worker resumes from the same chats; live events ride
    on `pubsub`, which the caller closes), else in process."""
    if settings.redis_url is None:
        from adapters.memory.chat_feed import InMemoryChatFeed

        return InMemoryChatFeed(
            maxlen=settings.coach_feed_maxlen, ttl_seconds=settings.coach_feed_ttl_seconds
        )
    from adapters.redis.chat_feed import RedisChatFeed

    return await RedisChatFeed.connect(
        settings.redis_url,
        pubsub,
        prefix=settings.redis_key_prefix,
        timeout_seconds=settings.redis_timeout_seconds,
        maxlen=settings.coach_feed_maxlen,
        ttl_seconds=settings.coach_feed_ttl_seconds,
    )


async def redis_stores_from(
    settings: Settings, closers: list[Callable[[], Awaitable[None]]]
) -> tuple[RateLimiter, PersistedQueries]:
    if settings.redis_url is None:
        from adapters.memory.persisted_queries import InMemoryPersistedQueries
        from adapters.memory.rate_limits import InMemoryRateLimiter

        in_memory = InMemoryPersistedQueries(
            max_query_bytes=settings.apq_max_query_bytes, max_total_bytes=settings.apq_memory_max_bytes
        )
        return InMemoryRateLimiter(), in_memory
    from adapters.redis.persisted_queries import RedisPersistedQueries
    from adapters.redis.rate_limits import RedisRateLimiter

    limiter = await RedisRateLimiter.connect(settings.redis_url, prefix=settings.redis_key_prefix)
    closers.append(limiter.close)
    queries = await RedisPersistedQueries.connect(
        settings.redis_url,
        prefix=settings.redis_key_prefix,
        ttl_seconds=settings.apq_ttl_seconds,
        max_query_bytes=settings.apq_max_query_bytes,
        max_total_bytes=settings.apq_max_bytes,
    )
    closers.append(queries.close)
    return limiter, queries


def local_login_record(settings: Settings) -> RateLimiter | None:
    """The replica's own record of login attempts, which decides when Redis cannot count one (see
    application.login_throttle); none without Redis, where the rate limiter is in-process already."""
    if settings.redis_url is None:
        return None
    from adapters.memory.rate_limits import InMemoryRateLimiter

    return InMemoryRateLimiter()


async def mutation_buckets_from(
    settings: Settings, closers: list[Callable[[], Awaitable[None]]]
) -> TokenBuckets:
    """The mutation limit's buckets: in Redis when configured (shared by replicas), else in process."""
    if settings.redis_url is None:
        from adapters.memory.token_buckets import InMemoryTokenBuckets

        return InMemoryTokenBuckets()
    from adapters.redis.token_buckets import RedisTokenBuckets

    buckets = await RedisTokenBuckets.connect(settings.redis_url, prefix=settings.redis_key_prefix)
    closers.append(buckets.close)
    return buckets


def jwt_secret_for(settings: Settings) -> str:
    """The configured secret, else one generated on first start and kept (0600) in the data folder."""
    if settings.jwt_secret is not None:
        return settings.jwt_secret.get_secret_value()
    path = Path(settings.data_dir) / JWT_SECRET_FILE
    path.parent.mkdir(parents=True, exist_ok=True)
    with contextlib.suppress(FileExistsError):
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as file:
            file.write(secrets.token_urlsafe(48))
    return path.read_text().strip()
