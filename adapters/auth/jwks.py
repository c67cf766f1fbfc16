"""`JwksCache`: one identity provider's JSON Web Key Set, fetched over HTTP (httpx) and cached.

The set is refetched when older than `ttl`, and when a token names a key id the set lacks (the provider
rotated its keys), but then at most once per `min_refresh_interval`. A failed refresh keeps the cached
set; with nothing cached, the sign-in fails with IDENTITY_PROVIDER_UNAVAILABLE.
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Callable
from datetime import timedelta

import httpx
import jwt

from application.auth_errors import IdentityProviderUnavailable

log = logging.getLogger("fitcoach.auth.oidc")

MAX_JWKS_BYTES = 256 * 1024


class JwksCache:
    """One provider's key set. `fetches` counts HTTP fetches (for metrics and tests)."""

    def __init__(
        self,
        name: str,
        url: str,
        http: httpx.AsyncClient,
        *,
        ttl: timedelta,
        min_refresh_interval: timedelta,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._name = name
        self._url = url
        self._http = http
        self._ttl = ttl.total_seconds()
        self._min_refresh_interval = min_refresh_interval.total_seconds()
        self._monotonic = monotonic
        self._keys: jwt.PyJWKSet | None = None
        self._fetched_at = 0.0
        self._attempted_at: float | None = None
        self._lock = asyncio.Lock()
        self.fetches = 0

    async def key(self, kid: str) -> jwt.PyJWK | None:
        async with self._lock:
            now = self._monotonic()
            if self._keys is None or now - self._fetched_at >= self._ttl:
                await self._refresh(now)
            found = self._find(kid)
            if found is None and (
                self._attempted_at is None or now - self._attempted_at >= self._min_refresh_interval
            ):
                await self._refresh(now)
                found = self._find(kid)
            return found

    def _find(self, kid: str) -> jwt.PyJWK | None:
        if self._keys is None:
            return None
        return next((key for key in self._keys.keys if key.key_id == kid), None)

    async def _refresh(self, now: float) -> None:
        self._attempted_at = now
        self.fetches += 1
        try:
            response = await self._http.get(self._url, headers={"Accept": "application/json"})
            if response.status_code != 200 or len(response.content) > MAX_JWKS_BYTES:
                raise ValueError(f"HTTP {response.status_code}, {len(response.content)} bytes")
            keys = jwt.PyJWKSet.from_dict(response.json())
        except (httpx.HTTPError, ValueError, jwt.PyJWTError) as error:
            if self._keys is None:
                log.warning("cannot fetch the %s key set: %s", self._name, type(error).__name__)
                raise IdentityProviderUnavailable(self._name) from None
            log.warning("cannot refresh the %s key set, keeping the cached one", self._name)
            return
        self._keys, self._fetched_at = keys, now
