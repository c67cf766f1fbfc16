"""Support for the session-check tests: the real token store with its reads counted (and a read that
can be held up), and API replicas sharing one Redis under a prefix of the test's own."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from redis.asyncio import Redis

from adapters.auth.access_tokens import JwtAccessTokens
from adapters.postgres.refresh_tokens import PostgresRefreshTokens
from adapters.redis.cache import RedisCache
from application.accounts import Accounts
from application.auth_ports import AccessClaims, LiveSessions, NewRefreshToken, RefreshFamily, Rotation
from application.privacy.opened_store import OpenedEventStore
from application.session_check import SessionCheck, SessionRevoked
from application.sessions import SignedIn
from tests.adapters.cache.test_cache_contract import REDIS_URL, delete_prefixed
from tests.domain.users import ManualClock

L1_TTL = 60.0  # long, so a replica that stops answering from L1 was told to, rather than timed out


class CountingTokens:
    """The real token store, counting the reads a check makes; `hold` pauses a read once it is done."""

    def __init__(self, inner: PostgresRefreshTokens) -> None:
        self.inner = inner
        self.reads = 0
        self.hold: asyncio.Event | None = None
        self.read_done = asyncio.Event()

    async def live_sessions(self, user_id: uuid.UUID, now: datetime) -> LiveSessions:
        live = await self.inner.live_sessions(user_id, now)
        self.reads += 1
        if self.hold is not None:
            self.read_done.set()
            await self.hold.wait()
        return live

    async def sessions_changed(self, user_id: uuid.UUID) -> int:
        return await self.inner.sessions_changed(user_id)

    async def start_family(self, user_id: uuid.UUID, token: NewRefreshToken) -> RefreshFamily:
        return await self.inner.start_family(user_id, token)

    async def rotate(
        self,
        presented_hash: bytes,
        child: NewRefreshToken,
        sealed_child: bytes,
        now: datetime,
        *,
        reuse_interval: timedelta,
    ) -> Rotation:
        return await self.inner.rotate(
            presented_hash, child, sealed_child, now, reuse_interval=reuse_interval
        )

    async def revoke_family(self, presented_hash: bytes, now: datetime) -> RefreshFamily | None:
        return await self.inner.revoke_family(presented_hash, now)

    async def revoke_user(self, user_id: uuid.UUID, now: datetime) -> int:
        return await self.inner.revoke_user(user_id, now)

    async def revoke_session(self, user_id: uuid.UUID, family_id: uuid.UUID, now: datetime) -> bool:
        return await self.inner.revoke_session(user_id, family_id, now)


@dataclass
class Replica:
    check: SessionCheck
    tokens: CountingTokens


class Replicas:
    """Makes API replicas on one Redis and PostgreSQL; `close` ends them and clears their keys."""

    def __init__(self, store: OpenedEventStore, tokens: PostgresRefreshTokens, clock: ManualClock) -> None:
        self._store, self._tokens, self._clock = store, tokens, clock
        self._prefix = f"fitcoach-test-{uuid.uuid4().hex[:12]}:"
        self._caches: list[RedisCache] = []

    async def new(self, url: str = REDIS_URL) -> Replica:
        cache = await RedisCache.connect(url, prefix=self._prefix, l1_ttl_seconds=L1_TTL)
        self._caches.append(cache)
        tokens = CountingTokens(self._tokens)
        return Replica(SessionCheck(cache, tokens, self._store, clock=self._clock), tokens)

    async def close(self) -> None:
        for cache in self._caches:
            await cache.close()
        raw = Redis.from_url(REDIS_URL)
        await delete_prefixed(raw, self._prefix)
        await raw.aclose()


def claims_of(signed_in: SignedIn, access_tokens: JwtAccessTokens) -> AccessClaims:
    return access_tokens.verify(signed_in.tokens.access_token)


async def refused_within(check: SessionCheck, claims: AccessClaims, seconds: float = 2.0) -> bool:
    for _ in range(int(seconds / 0.01)):
        try:
            await check.check(claims)
        except SessionRevoked:
            return True
        await asyncio.sleep(0.01)
    return False


PASSWORD = "long enough password"
AccountsOn = Callable[[Replica], Accounts]
