"""Tell the cache what a committed batch made stale. The cache is an optimisation: its errors never
stop a projection, and an outage is logged once, not per batch."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Sequence

from application.cache import Cache, Invalidation
from application.plan_changes import plan_changes
from application.pubsub import PubSub

log = logging.getLogger("fitcoach.projections")
CONCURRENT_CALLS = 64
TIMEOUT_SECONDS = 2.0


class CacheInvalidator:
    def __init__(self, cache: Cache | None, projection: str, publisher: PubSub | None = None) -> None:
        self._cache = cache
        self._projection = projection
        self._publisher = publisher
        self._failing = False
        self._publish_failing = False

    async def invalidate(self, invalidations: Sequence[Invalidation]) -> None:
        await self._invalidate_cache(invalidations)
        await self._announce(invalidations)

    async def _announce(self, invalidations: Sequence[Invalidation]) -> None:
        """Tell live subscribers (every API replica) which plans changed; best effort, like the cache."""
        if self._publisher is None or not invalidations:
            return
        try:
            async with asyncio.timeout(TIMEOUT_SECONDS):
                for channel, message in plan_changes(invalidations):
                    await self._publisher.publish(channel, message)
        except Exception as error:
            if not self._publish_failing:
                log.warning(
                    "projection %s: announcing changes failing (%s); subscribers miss them until it works",
                    self._projection,
                    type(error).__name__,
                )
            self._publish_failing = True
            return
        if self._publish_failing:
            log.info("projection %s: announcing changes works again", self._projection)
            self._publish_failing = False

    async def _invalidate_cache(self, invalidations: Sequence[Invalidation]) -> None:
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
