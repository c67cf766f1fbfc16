"""Cached GraphQL read results, per user, exact with respect to the read models they were read from.

A user's results live in one cache entry (`graphql:responses:{userId}`) whose version is a global log
position: the lowest checkpoint of the projections the results read (`workout_plans`, `users`,
`coaching`), taken before the read. Every data read then reflects at least that position. The projectors
invalidate the entry at the position of each change to the user's plans, profile or coaching sessions
(`stale_responses`), so:

- a change the results may not show (position above the entry's version) drops the entry, or refuses a
  late write of it;
- a change at or below the version is already in the results.

Results from different read positions are never mixed: a result joins the entry only if the entry was
read at the same position, otherwise it starts a new entry. Freshness is that of the read models.

The cache refuses a second write at one version, so the entry's version is `position * WRITES_PER_POSITION
+ writes so far at that position` (`entry_version`), and the projectors invalidate at
`entry_version(position)`: the order of positions is kept, and one position can take several results.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol
from uuid import UUID

from application.cache import Cache, CacheKey, Invalidation

MAX_DOCUMENTS = 16
WRITES_PER_POSITION = 64
MAX_RESULT_BYTES = 256 * 1024
READ_PROJECTIONS = ("workout_plans", "users", "coaching")


class CheckpointPositions(Protocol):
    def position(self, name: str) -> int:
        """The latest checkpoint known for projection `name` (0 if none yet)."""
        ...


def entry_version(position: int, writes: int = 0) -> int:
    return position * WRITES_PER_POSITION + writes


def stale_responses(changes: Iterable[tuple[UUID, int]]) -> list[Invalidation]:
    """Each user's cached results, stale from the newest position of the `(user id, position)` changes
    to what they read."""
    newest: dict[UUID, int] = {}
    for user_id, position in changes:
        newest[user_id] = max(newest.get(user_id, 0), position)
    return [
        Invalidation(CacheKey.responses(user), entry_version(position)) for user, position in newest.items()
    ]


def result_key(query: str, variables: Mapping[str, Any] | None, operation_name: str | None) -> str:
    canonical = json.dumps([query, variables or {}, operation_name], sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


class ResponseCache:
    def __init__(
        self,
        cache: Cache,
        checkpoints: CheckpointPositions,
        *,
        projections: Sequence[str] = READ_PROJECTIONS,
        max_documents: int = MAX_DOCUMENTS,
    ) -> None:
        self._cache = cache
        self._checkpoints = checkpoints
        self._projections = projections
        self._max_documents = max_documents

    def read_position(self) -> int:
        """Taken before a read: the data read afterwards reflects the log at least up to here."""
        return min(self._checkpoints.position(name) for name in self._projections)

    async def get(self, user_id: UUID, key: str) -> dict[str, Any] | None:
        cached = await self._cache.get(CacheKey.responses(user_id))
        if cached is None or not isinstance(cached.value, dict):
            return None
        found = cached.value.get(key)
        return found if isinstance(found, dict) else None

    async def put(self, user_id: UUID, key: str, data: dict[str, Any], read_position: int) -> bool:
        """Keep `data`, read at `read_position`; False if refused (too big, or the entry moved on)."""
        if read_position <= 0 or len(json.dumps(data, separators=(",", ":"))) > MAX_RESULT_BYTES:
            return False
        entry_key = CacheKey.responses(user_id)
        cached = await self._cache.get(entry_key)
        documents: dict[str, Any] = {}
        writes = 0
        if cached is not None and cached.version // WRITES_PER_POSITION == read_position:
            writes = cached.version % WRITES_PER_POSITION + 1
            if writes == WRITES_PER_POSITION or not isinstance(cached.value, dict):
                return False
            documents = dict(cached.value)
        documents.pop(key, None)
        documents[key] = data
        while len(documents) > self._max_documents:
            documents.pop(next(iter(documents)))
        return await self._cache.put(entry_key, documents, entry_version(read_position, writes))
