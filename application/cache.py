"""The `Cache` port: versioned entries with the TTLs of the specification.

Every entry carries the version it was built from (a plan's stream version, say). A write older than
what the cache has already seen, including an invalidation, is refused, so a slow writer can never put an
older value over a newer one.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol


class CacheKind(enum.Enum):
    """Key layout and time to live of each cache, as the specification sets them."""

    PLAN = ("workout:plan:{}", 300)
    RECOMMENDATIONS = ("recommendations:{}:{}", 1800)
    AI_RESPONSE = ("ai:response:{}", 600)
    SESSION = ("session:{}", 3600)
    RESPONSES = ("graphql:responses:{}", 300)
    """Not in the specification: a user's cached GraphQL read results, versioned by global position."""
    LIBRARY_GENERATION = ("library:generation", 600)
    """Not in the specification: the exercise library's generation (its newest change's position)."""
    LIBRARY_SEARCH = ("library:search:{}:{}", 600)
    """Not in the specification: one exercise search's page, by library generation and search hash."""
    LIBRARY_RESPONSE = ("library:response:{}:{}", 600)
    """Not in the specification: a GraphQL result that reads only the library, shared by every viewer,
    by library generation and request hash."""

    def __init__(self, template: str, ttl_seconds: int) -> None:
        self.template = template
        self.ttl_seconds = ttl_seconds


@dataclass(frozen=True, slots=True)
class CacheKey:
    kind: CacheKind
    parts: tuple[str, ...]

    def __post_init__(self) -> None:
        if len(self.parts) != self.kind.template.count("{}"):
            raise ValueError(f"{self.kind.name} keys take {self.kind.template.count('{}')} parts")

    @property
    def name(self) -> str:
        return self.kind.template.format(*self.parts)

    @classmethod
    def plan(cls, plan_id: object) -> CacheKey:
        return cls(CacheKind.PLAN, (str(plan_id),))

    @classmethod
    def responses(cls, user_id: object) -> CacheKey:
        return cls(CacheKind.RESPONSES, (str(user_id),))

    @classmethod
    def library_generation(cls) -> CacheKey:
        return cls(CacheKind.LIBRARY_GENERATION, ())

    @classmethod
    def library_search(cls, generation: int, search_hash: str) -> CacheKey:
        return cls(CacheKind.LIBRARY_SEARCH, (str(generation), search_hash))

    @classmethod
    def library_response(cls, generation: int, request_hash: str) -> CacheKey:
        return cls(CacheKind.LIBRARY_RESPONSE, (str(generation), request_hash))


@dataclass(frozen=True, slots=True)
class Cached:
    value: Any
    """JSON-compatible data."""
    version: int


@dataclass(frozen=True, slots=True)
class Invalidation:
    """What a projector's committed batch made stale: `key` is outdated below `version`."""

    key: CacheKey
    version: int


class Cache(Protocol):
    async def get(self, key: CacheKey) -> Cached | None:
        """The live entry, or None (absent, expired, invalidated, or the cache is unreachable)."""
        ...

    async def get_many(self, keys: Sequence[CacheKey]) -> list[Cached | None]:
        """`get` of each key, in order, with one round trip to a shared cache for all of them."""
        ...

    async def put(self, key: CacheKey, value: Any, version: int) -> bool:
        """Store unless the cache already saw `version` or newer for this key; True if stored."""
        ...

    async def invalidate(self, key: CacheKey, version: int) -> None:
        """Drop the entry and refuse later puts older than `version` (until the TTL runs out)."""
        ...

    async def close(self) -> None: ...
