"""Per-request dataloaders: every plan, page of versions, user and library exercise a request touches
is fetched in one batched statement per kind, whatever the shape of the query (pages of versions: one
per distinct `first`/`after`). A plan's exercises come in the same statement as the plan itself
(`PlanReadModel.plans`). Plans go through the plan cache first (`PlanReads.get_plans`,
`workout:plan:{planId}`), so a cached plan costs no statement at all."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple
from uuid import UUID

from aiodataloader import DataLoader

from application.library_reads import LibraryReads
from application.library_views import LibraryExerciseView
from application.plan_reads import MAX_PAGE_SIZE, PlanReads, VersionPage
from application.plan_views import PlanView
from application.user_reads import UserReadModel, UserView
from domain.plans.validation import MAX_EXERCISES


class VersionPageKey(NamedTuple):
    plan_id: UUID
    limit: int
    after: int | None
    """The version number the page starts after (None: from the first)."""
    as_of: int
    """The plan's latest version number as read: versions saved since are not part of that state."""


@dataclass(frozen=True, slots=True)
class Loaders:
    plans: DataLoader[UUID, PlanView | None]
    version_pages: DataLoader[VersionPageKey, VersionPage]
    users: DataLoader[UUID, UserView | None]
    library_exercises: DataLoader[str, LibraryExerciseView | None]
    """By exercise id (what plans hold): retired ones included, None for an id not in the library."""

    def prime_plans(self, views: Sequence[PlanView]) -> None:
        """A page of plans already read: later `plans.load` of them costs nothing."""
        for view in views:
            self.plans.prime(view.id, view)


def build_loaders(reads: PlanReads, users: UserReadModel, library: LibraryReads) -> Loaders:
    async def load_plans(ids: list[UUID]) -> list[PlanView | None]:
        found = await reads.get_plans(ids)
        return [found.get(plan_id) for plan_id in ids]

    async def load_version_pages(keys: list[VersionPageKey]) -> list[VersionPage]:
        # One statement per (limit, after); the same plan asked as of two versions goes in another batch.
        batches: dict[tuple[int, int | None, int], dict[UUID, int]] = {}
        for key in keys:
            round_ = 0
            while batches.get((key.limit, key.after, round_), {}).get(key.plan_id, key.as_of) != key.as_of:
                round_ += 1
            batches.setdefault((key.limit, key.after, round_), {})[key.plan_id] = key.as_of

        async def batch(
            limit: int, after: int | None, as_of: dict[UUID, int]
        ) -> dict[VersionPageKey, VersionPage]:
            pages = await reads.version_pages(list(as_of), limit=limit, after=after, as_of=as_of)
            return {
                VersionPageKey(plan_id, limit, after, as_of[plan_id]): page for plan_id, page in pages.items()
            }

        found: dict[VersionPageKey, VersionPage] = {}
        for pages in await asyncio.gather(
            *(batch(limit, after, as_of) for (limit, after, _), as_of in batches.items())
        ):
            found.update(pages)
        return [found[key] for key in keys]

    async def load_users(ids: list[UUID]) -> list[UserView | None]:
        found = await users.users(ids)
        return [found.get(user_id) for user_id in ids]

    async def load_library_exercises(ids: list[str]) -> list[LibraryExerciseView | None]:
        found = await library.exercises(ids)
        return [found.get(exercise_id) for exercise_id in ids]

    options: dict[str, Any] = {"max_batch_size": 500}
    return Loaders(
        plans=DataLoader(load_plans, **options),
        version_pages=DataLoader(load_version_pages, **options),
        users=DataLoader(load_users, **options),
        # A page of plans holds at most MAX_PAGE_SIZE x MAX_EXERCISES ids: one statement for all of them.
        library_exercises=DataLoader(load_library_exercises, max_batch_size=MAX_PAGE_SIZE * MAX_EXERCISES),
    )
