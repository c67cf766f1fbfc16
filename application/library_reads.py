"""Reading the exercise library: the `LibraryReads` service, the one way the GraphQL layer reads it.

Searches are cached (L1, then Redis) under `library:search:{generation}:{hash}` for ten minutes. The
generation is the library's newest change, as a log position: the largest `last_position` of
`library.exercises`, which the read model returns with every page, read in the same statement. It is
cached too (`library:generation`), and the `library` projection invalidates that entry at the new
position whenever a batch changes a row. So:

- a page is stored under the generation its own statement saw: its data is exactly that generation's;
- a reader that learnt the generation before a change and writes it back after is refused (the
  invalidation's tombstone is newer), so the generation entry never goes back;
- once the generation moves, every search looks under new keys, and the old pages expire unread.

The same generation keys whole GraphQL results that read nothing but the library and nothing of the
viewer (`response`, `keep_response`, for `web.cached_reads`): shared by every viewer, ten minutes.

A cache outage costs only speed: gets miss and puts do nothing (the `Cache` port's contract), so every
search reads PostgreSQL, like the plans.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from dataclasses import asdict, fields
from datetime import datetime
from typing import Any

from application.cache import Cache, CacheKey, Invalidation
from application.library_views import ExerciseSearch, LibraryExerciseView, LibraryReadModel, SearchPage
from application.plan_reads import MAX_PAGE_SIZE, InvalidPageSize
from application.response_cache import MAX_RESULT_BYTES


def generation_invalidation(position: int) -> Invalidation:
    """What a projection batch that changed the library at `position` makes stale: every cached search."""
    return Invalidation(CacheKey.library_generation(), position)


def search_hash(search: ExerciseSearch, *, limit: int, offset: int) -> str:
    """A stable digest of everything that decides a page: filters (sets sorted), text, limit, offset."""
    canonical = {
        "text": search.text,
        "muscles": sorted(search.muscles),
        "equipment": sorted(search.equipment),
        "level": search.level,
        "category": search.category,
        "pattern": search.pattern,
        "exclude": sorted(search.exclude),
        "available": None if search.available_equipment is None else sorted(search.available_equipment),
        "limit": limit,
        "offset": offset,
    }
    encoded = json.dumps(canonical, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(encoded.encode()).hexdigest()[:32]


class LibraryReads:
    def __init__(self, read_model: LibraryReadModel, cache: Cache) -> None:
        self._read_model = read_model
        self._cache = cache

    async def search(self, search: ExerciseSearch, *, limit: int, offset: int = 0) -> SearchPage:
        """A page of live exercises matching `search` (ranked when it has text), from the cache when the
        library has not changed since it was cached. Raises InvalidPageSize, ReadModelUnavailable."""
        if not 1 <= limit <= MAX_PAGE_SIZE:
            raise InvalidPageSize(f"page size must be between 1 and {MAX_PAGE_SIZE}, not {limit}")
        if offset < 0:
            raise InvalidPageSize("a page cannot start before the first exercise")
        digest = search_hash(search, limit=limit, offset=offset)
        known = await self._cache.get(CacheKey.library_generation())
        generation = known.value if known is not None and isinstance(known.value, int) else None
        if generation is not None:
            cached = await self._cache.get(CacheKey.library_search(generation, digest))
            page = _page_from_cache(cached.value) if cached is not None else None
            if page is not None:
                return page
        page = await self._read_model.search(search, limit=limit, offset=offset)
        if generation != page.generation:
            await self._cache.put(CacheKey.library_generation(), page.generation, page.generation)
        await self._cache.put(
            CacheKey.library_search(page.generation, digest), _page_to_json(page), page.generation
        )
        return page

    async def generation(self) -> int:
        """The library's generation: from the cache, else read (one statement) and cached. Taken before a
        read, the data read afterwards is at least that generation's."""
        known = await self._cache.get(CacheKey.library_generation())
        if known is not None and isinstance(known.value, int):
            return known.value
        generation = await self._read_model.generation()
        await self._cache.put(CacheKey.library_generation(), generation, generation)
        return generation

    async def response(self, generation: int, request_hash: str) -> dict[str, Any] | None:
        """A GraphQL result kept by `keep_response` at this generation, if any."""
        cached = await self._cache.get(CacheKey.library_response(generation, request_hash))
        return cached.value if cached is not None and isinstance(cached.value, dict) else None

    async def keep_response(self, generation: int, request_hash: str, data: dict[str, Any]) -> bool:
        """Keep the result of a request that read only the library, read at `generation` or later."""
        if len(json.dumps(data, separators=(",", ":"))) > MAX_RESULT_BYTES:
            return False
        return await self._cache.put(CacheKey.library_response(generation, request_hash), data, generation)

    async def exercises(self, ids: Sequence[str]) -> dict[str, LibraryExerciseView]:
        """The exercises found among `ids`, retired ones included, in one statement (for dataloaders)."""
        return await self._read_model.exercises(list(dict.fromkeys(ids)))

    async def exercise(self, exercise_id: str) -> LibraryExerciseView | None:
        return (await self.exercises([exercise_id])).get(exercise_id)


_VIEW_FIELDS = tuple(field.name for field in fields(LibraryExerciseView))
_TUPLES = frozenset(
    {"aliases", "equipment", "primary_muscles", "secondary_muscles", "patterns", "contraindications"}
    | {"cues", "variations"}
)


def _view_to_json(view: LibraryExerciseView) -> dict[str, Any]:
    data = asdict(view)
    data["updated_at"] = view.updated_at.isoformat()
    return data


def _view_from_json(data: dict[str, Any]) -> LibraryExerciseView:
    values = {name: data[name] for name in _VIEW_FIELDS}
    for name in _TUPLES:
        values[name] = tuple(values[name])
    values["updated_at"] = datetime.fromisoformat(values["updated_at"])
    return LibraryExerciseView(**values)


def _page_to_json(page: SearchPage) -> dict[str, Any]:
    return {
        "exercises": [_view_to_json(view) for view in page.exercises],
        "total": page.total,
        "offset": page.offset,
        "generation": page.generation,
    }


def _page_from_cache(value: Any) -> SearchPage | None:
    try:
        exercises = tuple(_view_from_json(item) for item in value["exercises"])
        return SearchPage(exercises, int(value["total"]), int(value["offset"]), int(value["generation"]))
    except (KeyError, TypeError, ValueError):
        return None  # written by a release with another layout: a miss, refreshed from PostgreSQL
