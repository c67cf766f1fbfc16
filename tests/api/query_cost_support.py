"""Support for the query-cost tests: an API whose statements are counted per request, and one owner's
50 plans, each with exercises and two saved versions, five of them archived (both module fixtures,
which a test module imports under their own names, so that pytest finds them there).
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from dataclasses import dataclass
from typing import Any

import pytest

import server
import tests.api.server as api_server
from tests.api.graphql_client import Session, create_plan, exercise, register
from tests.api.server import REDIS_URL, fresh_database, running_api, test_settings
from tests.api.statement_log import CostApi, StatementLog, _install_driver_hooks
from tests.api_support.redis_server import delete_prefixed, eventually

PLANS = 50
ARCHIVED = 5


def change(name: str, input_type: str) -> str:
    return f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ userErrors {{ code message }} }} }}"


ADD = change("addExercise", "AddExerciseInput")
SAVE_VERSION = change("createPlanVersion", "CreatePlanVersionInput")
ARCHIVE = change("archiveWorkoutPlan", "ArchiveWorkoutPlanInput")
RENAME = change("renameWorkoutPlan", "RenameWorkoutPlanInput")


@dataclass
class Seeded:
    owner: Session
    email: str
    plan_ids: list[str]
    archived: set[str]


@pytest.fixture(scope="module")
async def cost_api() -> AsyncIterator[CostApi]:
    log = StatementLog()
    with pytest.MonkeyPatch.context() as patch:
        _install_driver_hooks(patch)
        create_app = server.create_app
        patch.setattr(
            api_server, "create_app", lambda settings, *, api: log.wrap(create_app(settings, api=api))
        )
        async with (
            fresh_database() as url,
            running_api(test_settings(url)) as running,
            running.client() as http,
        ):
            try:
                yield CostApi(running, log, http)
            finally:
                await delete_prefixed(REDIS_URL, running.api.settings.redis_key_prefix)


async def _changed(session: Session, mutation: str, input: dict[str, Any]) -> None:
    payload = next(iter((await session.data(mutation, {"input": input})).values()))
    assert payload["userErrors"] == [], payload["userErrors"]


async def _seed_plan(session: Session, number: int) -> str:
    plan_id: str = (await create_plan(session, f"Plan {number:02d}"))["id"]
    for exercise_id in ("Barbell_Squat", "Bench_Press"):
        await _changed(session, ADD, {"planId": plan_id, "exercise": exercise(exercise_id)})
    await _changed(session, SAVE_VERSION, {"planId": plan_id, "changeDescription": "Week 1"})
    await _changed(session, ADD, {"planId": plan_id, "exercise": exercise("Bent_Over_Row")})
    await _changed(session, SAVE_VERSION, {"planId": plan_id, "changeDescription": "Week 2"})
    return plan_id


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
