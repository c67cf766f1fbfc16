"""`PostgresLibraryReadModel`: exercise search and lookup on `library.exercises`, filled by the `library`
projection.

Search with text matches an exercise when either
- its full-text vector (name weight A, aliases B, English stemming) holds every query word as a prefix
  ("shoulder pres" → `shoulder:* & pres:*`), or
- enough of the query's trigrams (`application.library_text`) are among its own: at least
  `MIN_TRIGRAM_SHARE` of them, which lets typos through ("squatt", "dedlift", "benchpress").
Ranked by a full-text match first (plus its `ts_rank`), then by the share of the query's trigrams found,
then by the share of the exercise's trigrams the query covers (a closer, shorter name first); ties by
name and id. Without text, exercises come by name.

One statement per page: the matches, their total count and the library's generation (its newest change,
for the search cache), all read in the same snapshot.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from adapters.postgres.metrics import Table
from adapters.postgres.read_pool import PooledReads
from application.library_text import prefix_tsquery, query_words, trigrams
from application.library_views import ExerciseSearch, LibraryExerciseView, SearchPage
from application.plan_reads import MAX_PAGE_SIZE, InvalidPageSize
from domain.library.values import NO_EQUIPMENT

MIN_TRIGRAM_SHARE = 0.6
"""The share of a query's trigrams an exercise must hold to match without a full-text match."""
_TABLE: Table = "library.exercises"
_COLUMNS = (
    "id", "slug", "name", "aliases", "category", "force", "mechanic", "level", "equipment",
    "primary_muscles", "secondary_muscles", "patterns", "contraindications", "cues", "variations",
    "retired", "version", "updated_at", "last_position",
)  # fmt: skip
_ARRAYS = (
    "aliases", "equipment", "primary_muscles", "secondary_muscles", "patterns", "contraindications",
    "cues", "variations",
)  # fmt: skip
_SELECTED = ", ".join(f"e.{column}" for column in _COLUMNS)
_BY_IDS = f"SELECT {_SELECTED} FROM library.exercises e WHERE e.id = ANY(%(ids)s::text[])"
_GENERATION = "SELECT coalesce(max(last_position), 0) FROM library.exercises"
_FILTERS = {
    "muscles": "e.primary_muscles && %(muscles)s::text[]",
    "equipment": "e.equipment && %(equipment)s::text[]",
    "level": "e.level = %(level)s",
    "category": "e.category = %(category)s",
    "pattern": "e.patterns @> ARRAY[%(pattern)s::text]",
    "exclude": "NOT e.contraindications && %(exclude)s::text[]",
    "available": "e.equipment <@ %(available)s::text[]",
}
_TEXT_MATCH = """
  CROSS JOIN LATERAL (SELECT e.search_vector @@ to_tsquery('english', %(tsquery)s) AS full_text) f
  CROSS JOIN LATERAL (
       SELECT count(*) AS shared FROM unnest(e.trigrams) AS g(trigram)
        WHERE g.trigram = ANY(%(trigrams)s::text[])) s
"""
_TEXT_CONDITION = "(f.full_text OR (e.trigrams && %(trigrams)s::text[] AND s.shared >= %(min_shared)s))"
_TEXT_SCORE = """
  (CASE WHEN f.full_text THEN 1 + ts_rank(e.search_vector, to_tsquery('english', %(tsquery)s)) ELSE 0 END
   + s.shared::float8 / %(query_trigrams)s
   + 0.5 * s.shared::float8 / greatest(cardinality(e.trigrams), 1))
"""
_PAGE = """
WITH matches AS (
  SELECT {selected}, {score} AS score
    FROM library.exercises e{text_match}
   WHERE {conditions})
SELECT g.generation, t.total, p.*
  FROM (SELECT coalesce(max(last_position), 0) AS generation FROM library.exercises) g
 CROSS JOIN (SELECT count(*) AS total FROM matches) t
  LEFT JOIN LATERAL (
       SELECT {columns} FROM matches
        ORDER BY score DESC, name, id
        LIMIT %(limit)s OFFSET %(offset)s) p ON true
"""


class PostgresLibraryReadModel(PooledReads):
    async def search(self, search: ExerciseSearch, *, limit: int, offset: int) -> SearchPage:
        if not 1 <= limit <= MAX_PAGE_SIZE:
            raise InvalidPageSize(f"page size must be between 1 and {MAX_PAGE_SIZE}, not {limit}")
        query, params = _search_statement(search)
        params.update(limit=limit, offset=max(offset, 0))
        rows = await self._fetch(query, params, ("library_search", _TABLE))
        generation, total = int(rows[0][0]), int(rows[0][1])
        views = tuple(_view(row[2:]) for row in rows if row[2] is not None)
        return SearchPage(views, total, offset, generation)

    async def exercises(self, ids: Sequence[str]) -> dict[str, LibraryExerciseView]:
        if not ids:
            return {}
        rows = await self._fetch(_BY_IDS, {"ids": list(set(ids))}, ("library_exercises", _TABLE))
        return {view.id: view for view in map(_view, rows)}

    async def generation(self) -> int:
        rows = await self._fetch(_GENERATION, {}, ("library_search", _TABLE))
        return int(rows[0][0])


def _search_statement(search: ExerciseSearch) -> tuple[str, dict[str, Any]]:
    params: dict[str, Any] = {}
    conditions = ["NOT e.retired"]

    def narrow(name: str, value: Any) -> None:
        params[name] = value
        conditions.append(_FILTERS[name])

    if search.muscles:
        narrow("muscles", sorted(search.muscles))
    if search.equipment:
        narrow("equipment", sorted(search.equipment))
    if search.level is not None:
        narrow("level", search.level.value)
    if search.category is not None:
        narrow("category", search.category.value)
    if search.pattern is not None:
        narrow("pattern", search.pattern.value)
    if search.exclude:
        narrow("exclude", sorted(search.exclude))
    if search.available_equipment is not None:
        narrow("available", sorted(search.available_equipment | NO_EQUIPMENT))
    words = query_words(search.text or "")
    if words:
        query_trigrams = sorted(trigrams([" ".join(words)]))
        params.update(
            tsquery=prefix_tsquery(words),
            trigrams=query_trigrams,
            query_trigrams=len(query_trigrams),
            min_shared=math.ceil(MIN_TRIGRAM_SHARE * len(query_trigrams)),
        )
        conditions.append(_TEXT_CONDITION)
        score, text_match = _TEXT_SCORE, _TEXT_MATCH
    else:
        score, text_match = "0::float8", ""
    query = _PAGE.format(
        selected=_SELECTED,
        score=score,
        text_match=text_match,
        conditions="\n     AND ".join(conditions),
        columns=", ".join(_COLUMNS),
    )
    return query, params


def _view(row: Sequence[Any]) -> LibraryExerciseView:
    values = dict(zip(_COLUMNS, row, strict=True))
    for name in _ARRAYS:
        values[name] = tuple(values[name])
    return LibraryExerciseView(**values)
