"""Reading workout plans: the ports the reads need and the `PlanReads` service (views: `plan_views`),
the one way the GraphQL layer reads plans.

A plan is read through the cache (L1, then Redis, then PostgreSQL) and cached with its stream version,
one at a time (`get_plan`) or a dataloader's batch at once (`get_plans`).
With `min_position` (a command's global position), the read first waits, bounded, until the projection
has passed it; on timeout it answers with what the read model holds and flags it as possibly stale.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Generic, Protocol, TypeVar
from uuid import UUID

from application.cache import Cache, CacheKey
from application.plan_views import PlanView, VersionView

T = TypeVar("T")
WORKOUT_PLANS_PROJECTION = "workout_plans"
MAX_PAGE_SIZE = 100


class ReadError(Exception):
    code = "READ_ERROR"


class InvalidPageSize(ReadError):
    code = "INVALID_PAGE_SIZE"


class ReadModelUnavailable(ReadError):
    code = "UNAVAILABLE"


@dataclass(frozen=True, slots=True)
class PageCursor:
    """Where a page of a user's plans ended: plans are listed by `updated_at`, newest first, then id."""

    updated_at: datetime
    plan_id: UUID


@dataclass(frozen=True, slots=True)
class PlanPage:
    plans: tuple[PlanView, ...]
    next: PageCursor | None
    """None on the last page."""


@dataclass(frozen=True, slots=True)
class VersionPage:
    """A page of one plan's saved versions, oldest first."""

    versions: tuple[VersionView, ...]
    total: int
    """How many versions the plan has in all."""
    has_next: bool
    has_previous: bool


def version_page(versions: Sequence[VersionView], *, limit: int, after: int | None = None) -> VersionPage:
    """The page `PlanReadModel.version_pages` reads, cut from versions already in hand (oldest first)."""
    start = 0 if after is None else sum(1 for version in versions if version.version_number <= after)
    chosen = tuple(versions[start : start + limit])
    return VersionPage(chosen, len(versions), start + limit < len(versions), start > 0)


@dataclass(frozen=True, slots=True)
class ReadResult(Generic[T]):
    value: T
    stale: bool
    """True when the wait for the caller's own write timed out: the value may predate it."""


class PlanReadModel(Protocol):
    async def plan(self, plan_id: UUID) -> PlanView | None: ...

    async def plans(self, plan_ids: Sequence[UUID]) -> dict[UUID, PlanView]:
        """The plans that exist among `plan_ids` (for dataloaders: one round trip for all)."""
        ...

    async def version_pages(
        self,
        plan_ids: Sequence[UUID],
        *,
        limit: int,
        after: int | None = None,
        as_of: Mapping[UUID, int] | None = None,
    ) -> dict[UUID, VersionPage]:
        """Each plan's first `limit` (1..MAX_PAGE_SIZE, else InvalidPageSize) versions numbered above
        `after`, oldest first, with its total count: one round trip for all the plans, reading no more
        rows than the pages hold. A plan without versions (or unknown) gets an empty page. `as_of` bounds
        a plan's versions by number (those of the plan state in hand: a version saved since is left out)."""
        ...

    async def user_plans(
        self, user_id: UUID, *, limit: int, after: PageCursor | None = None, active: bool | None = None
    ) -> PlanPage:
        """Up to `limit` (1..MAX_PAGE_SIZE, else InvalidPageSize) plans after the cursor."""
        ...


class Checkpoints(Protocol):
    async def wait_for(self, name: str, position: int, timeout: float = 2.0) -> bool:  # noqa: ASYNC109
        """True once projection `name` has passed `position`; False if `timeout` seconds pass first."""
        ...


class PlanReads:
    def __init__(
        self,
        read_model: PlanReadModel,
        cache: Cache,
        checkpoints: Checkpoints,
        *,
        projection: str = WORKOUT_PLANS_PROJECTION,
    ) -> None:
        self._read_model = read_model
        self._cache = cache
        self._checkpoints = checkpoints
        self._projection = projection

    async def get_plan(
        self, plan_id: UUID, *, min_position: int | None = None, wait: float = 2.0
    ) -> ReadResult[PlanView | None]:
        stale = False
        if min_position is not None:
            stale = not await self._checkpoints.wait_for(self._projection, min_position, timeout=wait)
        key = CacheKey.plan(plan_id)
        cached = await self._cache.get(key)
        view = _plan_from_cache(cached.value) if cached is not None else None
        # The projector invalidates only after its commit: right after the wait the cache can still
        # hold the plan from before the caller's write (or, on timeout, older than PostgreSQL).
        if view is not None and (min_position is None or view.last_position >= min_position):
            return ReadResult(view, stale)
        found = await self._read_model.plan(plan_id)
        if found is not None:
            await self._cache.put(key, found.to_json(), found.version)
        return ReadResult(found, stale)

    async def get_plans(self, plan_ids: Sequence[UUID]) -> dict[UUID, PlanView]:
        """The plans found among `plan_ids` (for dataloaders): what the cache holds in one round trip,
        the rest from the read model in one statement, then cached. Unknown ids are absent."""
        ids = list(dict.fromkeys(plan_ids))
        found: dict[UUID, PlanView] = {}
        cached_entries = await self._cache.get_many([CacheKey.plan(plan_id) for plan_id in ids])
        for plan_id, cached in zip(ids, cached_entries, strict=True):
            view = _plan_from_cache(cached.value) if cached is not None else None
            if view is not None and view.id == plan_id:
                found[plan_id] = view
        missing = [plan_id for plan_id in ids if plan_id not in found]
        if missing:
            fresh = await self._read_model.plans(missing)
            for view in fresh.values():
                await self._cache.put(CacheKey.plan(view.id), view.to_json(), view.version)
            found.update(fresh)
        return found

    async def committed_plan(self, plan_id: UUID) -> PlanView | None:
        """The plan as the read model holds it now, past the cache: what a subscriber reads after the
        projector's notification (sent after its commit, maybe before the cache was invalidated)."""
        return await self._read_model.plan(plan_id)

    async def user_plans(
        self, user_id: UUID, *, limit: int, after: PageCursor | None = None, active: bool | None = None
    ) -> PlanPage:
        """A page of the user's plans, newest change first (`PlanReadModel.user_plans`)."""
        return await self._read_model.user_plans(user_id, limit=limit, after=after, active=active)

    async def version_pages(
        self,
        plan_ids: Sequence[UUID],
        *,
        limit: int,
        after: int | None = None,
        as_of: Mapping[UUID, int] | None = None,
    ) -> dict[UUID, VersionPage]:
        """Each plan's page of versions, in one round trip (`PlanReadModel.version_pages`)."""
        return await self._read_model.version_pages(plan_ids, limit=limit, after=after, as_of=as_of)


def _plan_from_cache(value: Any) -> PlanView | None:
    try:
        return PlanView.from_json(value)
    except (KeyError, TypeError, ValueError):
        return None  # written by a release with another layout: a miss, refreshed from PostgreSQL
