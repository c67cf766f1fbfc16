"""`PostgresPlanReadModel`: queries of the workout read models (`workout.*`), filled by the projector.

A plan and its exercises come from one statement, so they always belong to the same snapshot (and
the same plan version, which the cache entry is tagged with).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any
from uuid import UUID

from adapters.postgres.metrics import Table
from adapters.postgres.read_pool import PooledReads, translated_read_errors
from application.plan_reads import (
    MAX_PAGE_SIZE,
    InvalidPageSize,
    PageCursor,
    PlanPage,
    VersionPage,
)
from application.plan_views import PLAN_SCALARS, ExerciseView, PlanView, VersionView

_PLAN_COLUMNS = ("id", "user_id", *PLAN_SCALARS, "created_at", "updated_at")
_PLANS = f"""
SELECT {", ".join(f"p.{column}" for column in _PLAN_COLUMNS)}, coalesce(x.exercises, '[]'::jsonb)
  FROM workout.workout_plans p
  LEFT JOIN LATERAL (
       SELECT jsonb_agg(e.exercise_data ORDER BY e.exercise_order) AS exercises
         FROM workout.workout_exercises e
        WHERE e.plan_id = p.id) x ON true
"""
_PLANS_BY_ID = _PLANS + " WHERE p.id = ANY(%(ids)s)"
_USER_PLANS = _PLANS + " WHERE p.user_id = %(user_id)s"
_ACTIVE_IS = " AND p.is_active = %(active)s"
_AFTER_CURSOR = " AND (p.updated_at, p.id) < (%(updated_at)s, %(plan_id)s)"
_NEWEST_FIRST = " ORDER BY p.updated_at DESC, p.id DESC LIMIT %(limit)s"
_PLANS_TABLE: Table = "workout.workout_plans"
_VERSIONS_TABLE: Table = "workout.plan_versions"
# Per plan: its count (over the primary key: an index-only scan once vacuumed, and no row is sent) and
# the page's rows, found by the key (plan_id, version_number) and cut by the LIMIT, one row past the page
# to tell if more follow.
_NO_VERSION_BOUND = 2**31 - 1
_VERSION_PAGES = """
SELECT p.plan_id, c.total, c.before, v.version_number, v.parent_version, v.exercises,
       v.change_description, v.changed_by, v.created_at
  FROM unnest(%(ids)s::uuid[], %(upto)s::int[]) AS p(plan_id, upto)
 CROSS JOIN LATERAL (
       SELECT count(*) AS total, count(*) FILTER (WHERE version_number <= %(after)s) AS before
         FROM workout.plan_versions
        WHERE plan_id = p.plan_id AND version_number <= p.upto) c
  LEFT JOIN LATERAL (
       SELECT version_number, parent_version, exercises, change_description, changed_by, created_at
         FROM workout.plan_versions
        WHERE plan_id = p.plan_id AND version_number > %(after)s AND version_number <= p.upto
        ORDER BY version_number
        LIMIT %(limit)s) v ON true
 ORDER BY p.plan_id, v.version_number
"""


class PostgresPlanReadModel(PooledReads):
    async def plan(self, plan_id: UUID) -> PlanView | None:
        return (await self.plans([plan_id])).get(plan_id)

    async def plans(self, plan_ids: Sequence[UUID]) -> dict[UUID, PlanView]:
        if not plan_ids:
            return {}
        rows = await self._fetch(_PLANS_BY_ID, {"ids": list(set(plan_ids))}, ("plans", _PLANS_TABLE))
        return {view.id: view for view in map(_plan_view, rows)}

    async def version_pages(
        self,
        plan_ids: Sequence[UUID],
        *,
        limit: int,
        after: int | None = None,
        as_of: Mapping[UUID, int] | None = None,
    ) -> dict[UUID, VersionPage]:
        if not 1 <= limit <= MAX_PAGE_SIZE:
            raise InvalidPageSize(f"page size must be between 1 and {MAX_PAGE_SIZE}, not {limit}")
        if not plan_ids:
            return {}
        ids = list(set(plan_ids))
        as_of = as_of or {}
        params = {
            "ids": ids,
            "upto": [as_of.get(plan_id, _NO_VERSION_BOUND) for plan_id in ids],
            "after": 0 if after is None else after,
            "limit": limit + 1,
        }
        rows = await self._fetch(_VERSION_PAGES, params, ("versions", _VERSIONS_TABLE))
        counts: dict[UUID, tuple[int, int]] = {}
        found: dict[UUID, list[VersionView]] = {}
        for plan_id, total, before, number, parent, exercises, description, changed_by, created_at in rows:
            counts[plan_id] = (total, before)
            versions = found.setdefault(plan_id, [])
            if number is not None:
                exercise_views = tuple(ExerciseView.from_json(exercise) for exercise in exercises)
                versions.append(
                    VersionView(plan_id, number, parent, exercise_views, description, changed_by, created_at)
                )
        pages = {}
        for plan_id, (total, before) in counts.items():
            versions = found[plan_id]
            pages[plan_id] = VersionPage(tuple(versions[:limit]), total, len(versions) > limit, before > 0)
        return pages

    async def user_plans(
        self, user_id: UUID, *, limit: int, after: PageCursor | None = None, active: bool | None = None
    ) -> PlanPage:
        if not 1 <= limit <= MAX_PAGE_SIZE:
            raise InvalidPageSize(f"page size must be between 1 and {MAX_PAGE_SIZE}, not {limit}")
        query = _USER_PLANS
        params: dict[str, Any] = {"user_id": user_id, "limit": limit + 1}
        if active is not None:
            query += _ACTIVE_IS
            params["active"] = active
        if after is not None:
            query += _AFTER_CURSOR
            params.update(updated_at=after.updated_at, plan_id=after.plan_id)
        rows = await self._fetch(query + _NEWEST_FIRST, params, ("user_plans", _PLANS_TABLE))
        views = [_plan_view(row) for row in rows]
        page, more = views[:limit], len(views) > limit
        last = page[-1] if page else None
        return PlanPage(tuple(page), PageCursor(last.updated_at, last.id) if more and last else None)

    async def ping(self) -> None:
        with translated_read_errors():
            async with self._pool.connection() as conn:
                await conn.execute("SELECT 1")


def _plan_view(row: tuple[Any, ...]) -> PlanView:
    fields = dict(zip(_PLAN_COLUMNS, row, strict=False))
    exercises = tuple(ExerciseView.from_json(exercise) for exercise in row[len(_PLAN_COLUMNS)])
    return PlanView(**fields, exercises=exercises)
