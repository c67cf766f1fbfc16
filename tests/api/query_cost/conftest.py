"""Fixtures of the query-cost tests: an API whose statements are counted per request, and one owner's 50
plans, each with exercises and two saved versions, five of them archived (both per module)."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

import pytest

from tests.adapters.api_ports.redis_server import eventually
from tests.api.graphql_client import register
from tests.api.query_cost.query_cost_support import ARCHIVE, ARCHIVED, PLANS, Seeded, _changed, _seed_plan
from tests.api.statement_log import CostApi, counted_api


@pytest.fixture(scope="module")
async def cost_api() -> AsyncIterator[CostApi]:
    async with counted_api() as api:
        yield api


@pytest.fixture(scope="module")
async def seeded(cost_api: CostApi) -> Seeded:
    owner = await register(cost_api.http, "Owner")
    email = (await owner.data("{ me { email } }"))["me"]["email"]
    gate = asyncio.Semaphore(8)

    async def one(number: int) -> str:
        async with gate:
            return await _seed_plan(owner, number)

    plan_ids = list(await asyncio.gather(*(one(number) for number in range(PLANS))))
    archived = set(plan_ids[10 : 10 + ARCHIVED])
    for plan_id in archived:
        await _changed(owner, ARCHIVE, {"planId": plan_id})

    async def projected() -> bool:
        query = (
            "{ workoutPlans(first: 100) { edges { node {"
            " isActive latestVersionNumber exercises { name } } } } }"
        )
        nodes = [edge["node"] for edge in (await owner.data(query))["workoutPlans"]["edges"]]
        return (
            len(nodes) == PLANS
            and all(node["latestVersionNumber"] == 2 and len(node["exercises"]) == 3 for node in nodes)
            and sum(not node["isActive"] for node in nodes) == ARCHIVED
        )

    assert await eventually(projected, attempts=600), "the read model caught up"
    return Seeded(owner, email, plan_ids, archived)
