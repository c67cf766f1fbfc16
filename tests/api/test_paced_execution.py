"""Paced execution (`schema.pacing`) over a real socket, with every list made to wait its turn
(`FITCOACH_EXECUTION_SLICE_MS=0`): the answers are the same, in the same order, and the loads of a page
still go out batched, one statement per kind. (What pacing is for, a cheap request answered promptly
while a costly one runs, is measured by bench/graphql.py.)
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.adapters.api_ports.redis_server import eventually
from tests.api.graphql_client import exercise, register
from tests.api.query_cost.query_cost_support import _seed_plan
from tests.api.query_cost.test_query_cost import PAGE, tables_of
from tests.api.statement_log import CostApi, counted_api
from tests.library_support import BENCH, ROW, SQUAT

PLANS = 12
NESTED = """{ workoutPlans(first: 12) { edges { cursor node {
  a: exercises { name sets } b: exercises { name }
  versions(first: 2) { totalCount edges { node { versionNumber exercises { exerciseId alternatives } } } }
} } } }"""


@pytest.fixture(scope="module")
async def paced_api() -> AsyncIterator[CostApi]:
    async with counted_api(execution_slice_ms=0) as api:
        yield api


@pytest.fixture(scope="module")
async def token(paced_api: CostApi) -> str:
    owner = await register(paced_api.http, "Owner")
    for number in range(PLANS):
        await _seed_plan(owner, number)  # 3 exercises, 2 saved versions

    async def projected() -> bool:
        page = (await owner.data(PAGE % PLANS))["workoutPlans"]["edges"]
        return len(page) == PLANS and all(len(e["node"]["versions"]["edges"]) == 2 for e in page)

    assert await eventually(projected, attempts=300)
    return owner.access_token


async def test_every_list_waiting_its_turn_gives_the_same_answers(paced_api, token):
    page, statements = await paced_api.run(token, PAGE % PLANS)
    one, one_statements = await paced_api.run(token, PAGE % 1)

    nodes = [edge["node"] for edge in page["workoutPlans"]["edges"]]
    assert [node["name"] for node in nodes] == [f"Plan {n:02d}" for n in reversed(range(PLANS))]
    exercises = [exercise(exercise_id)["name"] for exercise_id in (SQUAT, BENCH, ROW)]
    assert all([e["name"] for e in node["exercises"]] == exercises for node in nodes)
    assert all([e["node"]["versionNumber"] for e in node["versions"]["edges"]] == [1, 2] for node in nodes)
    assert {node["owner"]["displayName"] for node in nodes} == {"Owner"}
    assert one["workoutPlans"]["edges"][0] == page["workoutPlans"]["edges"][0]
    # Loads issued while the page's lists wait their turns still go out in one statement per kind.
    kinds = ["auth.users", "workout.plan_versions", "workout.workout_plans"]
    assert tables_of(statements) == tables_of(one_statements) == kinds


async def test_nested_and_aliased_lists_keep_their_order(paced_api, token):
    page, _ = await paced_api.run(token, NESTED)
    edges = page["workoutPlans"]["edges"]
    assert len(edges) == PLANS
    for edge in edges:
        node = edge["node"]
        assert (
            [e["name"] for e in node["a"]]
            == [e["name"] for e in node["b"]]
            == [exercise(exercise_id)["name"] for exercise_id in (SQUAT, BENCH, ROW)]
        )
        versions = [v["node"] for v in node["versions"]["edges"]]
        assert [[e["exerciseId"] for e in v["exercises"]] for v in versions] == [
            [SQUAT, BENCH],
            [SQUAT, BENCH, ROW],
        ]


async def test_an_error_inside_paced_lists_comes_back_as_the_error_it_is(paced_api, token):
    query = (
        "{ workoutPlans(first: 12) { edges { node {"
        " name exercises { name } versions(first: 0) { totalCount } } } } }"
    )
    failed = await paced_api.fails(token, query)
    assert failed
    assert set(failed) == {"BAD_USER_INPUT"}, failed
