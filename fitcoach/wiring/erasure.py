"""`fitcoach users forget`'s adapters: the erasure as the API runs it, from a process of its own."""

from __future__ import annotations

from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

from application.privacy.erasure import UserErasure
from application.session_check import SessionCheck
from domain.users.decider import USERS
from fitcoach.settings import Settings


class StoreNotShared(Exception):
    code = "STORE_NOT_CONFIGURED"


@asynccontextmanager
async def user_erasure_from(settings: Settings) -> AsyncIterator[UserErasure]:
    """Without Redis, the API's own caches and chat feeds are out of this process's reach: its cached
    session answers then end with their access tokens (minutes), and its feeds expire by their TTL."""
    from adapters.postgres.coaching_read_model import PostgresCoachingReadModel
    from adapters.postgres.pool import open_pool
    from adapters.postgres.refresh_tokens import PostgresRefreshTokens
    from fitcoach.wiring.adapters import api_cache_from, chat_feed_from, pubsub_from
    from fitcoach.wiring.core import opened_store_from

    if settings.chosen_event_store == "memory":
        raise StoreNotShared("the in-memory event store lives in one process: forget users through the API")
    closers: list[Callable[[], Awaitable[None]]] = []
    try:
        store = await opened_store_from(settings)
        closers.append(store.close)
        pool = await open_pool(settings.resolved_database_url, min_size=1, max_size=2)
        closers.append(pool.close)
        refresh_tokens = PostgresRefreshTokens(pool)
        session_check, feed = None, None
        if settings.redis_url is not None:
            cache = await api_cache_from(settings)
            closers.append(cache.close)
            pubsub = await pubsub_from(settings)
            closers.append(pubsub.close)
            feed = await chat_feed_from(settings, pubsub)
            closers.append(feed.close)
            session_check = SessionCheck(cache, refresh_tokens, store)
        yield UserErasure(
            store,
            USERS,
            refresh_tokens=refresh_tokens,
            session_check=session_check,
            coaching=PostgresCoachingReadModel(pool),
            chat_feed=feed,
            command_retries=settings.command_retries,
        )
    finally:
        for close in reversed(closers):
            await close()
