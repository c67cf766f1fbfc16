"""Tell the cache what a committed batch made stale. The cache is an optimisation: its errors never
stop a projection, and an outage is logged once, not per batch."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from application.cache import Cache, Invalidation

log = logging.getLogger("fitcoach.projections")
CONCURRENT_CALLS = 64
TIMEOUT_SECONDS = 2.0


class CacheInvalidator:
    def __init__(self, cache: Cache | None, projection: str) -> None:
        self._cache = cache
        self._projection = projection
        self._failing = False

    async def invalidate(self, invalidations: Sequence[Invalidation]) -> None:
        if self._cache is None or not invalidations:
            return
        cache = self._cache
        try:
            for start in range(0, len(invalidations), CONCURRENT_CALLS):
                chunk = invalidations[start : start + CONCURRENT_CALLS]
                async with asyncio.timeout(TIMEOUT_SECONDS):
                    results = await asyncio.gather(
                        *(cache.invalidate(item.key, item.version) for item in chunk), return_exceptions=True
                    )
                errors = [result for result in results if isinstance(result, Exception)]
                if errors:
                    raise errors[0]
        except Exception as error:  # any cache failure is logged and tolerated
            if not self._failing:
                log.warning(
                    "projection %s: cache invalidation failing (%s); projecting on, entries expire by TTL",
                    self._projection,
                    type(error).__name__,
                )
            self._failing = True
            return
        if self._failing:
            log.info("projection %s: cache invalidation works again", self._projection)
            self._failing = False
