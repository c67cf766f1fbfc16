"""Per-request dataloaders: every plan, version list and user a request touches is fetched in one
batched statement per kind, whatever the shape of the query. A plan's exercises come in the same
statement as the plan itself (`PlanReadModel.plans`). Plans go through the plan cache first
(`PlanReads.get_plans`, `workout:plan:{planId}`), so a cached plan costs no statement at all."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any
from uuid import UUID

from aiodataloader import DataLoader

from application.plan_reads import PlanReadModel, PlanReads
from application.plan_views import PlanView, VersionView
from application.user_reads import UserReadModel, UserView


@dataclass(frozen=True, slots=True)
class Loaders:
    plans: DataLoader[UUID, PlanView | None]
    versions: DataLoader[UUID, list[VersionView]]
    users: DataLoader[UUID, UserView | None]

    def prime_plans(self, views: Sequence[PlanView]) -> None:
        """A page of plans already read: later `plans.load` of them costs nothing."""
        for view in views:
            self.plans.prime(view.id, view)


def build_loaders(reads: PlanReads, plans: PlanReadModel, users: UserReadModel) -> Loaders:
    async def load_plans(ids: list[UUID]) -> list[PlanView | None]:
        found = await reads.get_plans(ids)
        return [found.get(plan_id) for plan_id in ids]

    async def load_versions(ids: list[UUID]) -> list[list[VersionView]]:
        found = await plans.versions(ids)
        return [found.get(plan_id, []) for plan_id in ids]

    async def load_users(ids: list[UUID]) -> list[UserView | None]:
        found = await users.users(ids)
        return [found.get(user_id) for user_id in ids]

    options: dict[str, Any] = {"max_batch_size": 500}
    return Loaders(
        plans=DataLoader(load_plans, **options),
        versions=DataLoader(load_versions, **options),
        users=DataLoader(load_users, **options),
    )
