"""The query cost limit over a real socket: one small document fanning out over plans, versions and
exercises is refused before it runs (no statement reaches PostgreSQL), whether the fan-out is written
out, passed as variables or hidden in fragments, over HTTP and over a WebSocket alike. (The cost
model: `schema.query_cost`; its arithmetic: test_query_cost_model.py.)
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.adapters.api_ports.redis_server import eventually
from tests.api.graphql_client import register
from tests.api.query_cost.query_cost_support import _seed_plan
from tests.api.statement_log import CostApi
from tests.api.ws_client import graphql_ws

EXERCISE_FIELDS = "exerciseId name sets reps weightKg restSeconds tempo notes alternatives"
FAN_OUT = (
    "workoutPlans(first: 100) { edges { node { versions(first: 100) {"
    f" edges {{ node {{ exercises {{ {EXERCISE_FIELDS} }} }} }} }} }} }} }}"
)
ATTACK = "{ " + " ".join(f"a{i}: {FAN_OUT}" for i in range(15)) + " }"
"""The finding's document: 2.7 KB, 15 aliases of plans(100) x versions(100) x exercises."""
ATTACK_COST = 15 * (1 + 1 + 100 * (1 + 1 + 1 + 100 * (1 + 1 + 20 * (8 + 10))))
"""Each alias: workoutPlans 1, its edges 1 + 100 x (node 1, versions 1, their edges 1 + 100 x (node 1,
exercises 1 + 20 x (8 scalar fields + 10 alternatives)))."""
WATCH = (
    "subscription($id: ID!) { workoutPlanChanged(planId: $id) { "
    + " ".join(
        f"v{i}: versions(first: 100) {{ edges {{ node {{ exercises {{ name }} }} }} }}" for i in range(15)
    )
    + " } }"
)
WATCH_COST = 1 + 15 * (1 + 1 + 100 * (1 + 1 + 20))

VIA_VARIABLES = """
query Fan($plans: Int!, $versions: Int = 100) { ...Plans }
fragment Plans on Query {
  workoutPlans(first: $plans) { edges { node { ... on WorkoutPlan { ...Versions } } } }
}
fragment Versions on WorkoutPlan {
  versions(first: $versions) { edges { node { exercises { ...Names } } } }
}
fragment Names on Exercise { name notes }
"""
WRITTEN_OUT = (
    "{ workoutPlans(first: %d) { edges { node { versions(first: %d) {"
    " edges { node { exercises { name notes } } } } } } } }"
)


@pytest.fixture(scope="module")
async def owner(cost_api: CostApi) -> dict[str, Any]:
    session = await register(cost_api.http, "Owner")
    plan_id = await _seed_plan(session, 1)  # 3 exercises, 2 saved versions

    async def projected() -> bool:
        count = "query($id: ID!) { workoutPlan(id: $id) { versions { totalCount } } }"
        plan = (await session.data(count, {"id": plan_id}))["workoutPlan"]
        return bool(plan["versions"]["totalCount"] == 2)

    assert await eventually(projected, attempts=300)
    return {"token": session.access_token, "plan_id": plan_id}


def refusal(body: dict[str, Any]) -> dict[str, Any]:
    assert body.get("data") is None, body
    [error] = body["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY", error
    return dict(error)


async def test_the_fan_out_of_the_finding_is_refused_before_it_runs(cost_api, owner):
    assert len(ATTACK.encode()) < 3000

    body, statements, _ = await cost_api.post(owner["token"], ATTACK)

    error = refusal(body)
    limit = cost_api.running.api.settings.max_query_cost
    assert error["extensions"]["cost"] == ATTACK_COST
    assert error["extensions"]["limit"] == limit
    assert str(ATTACK_COST) in error["message"]
    assert str(limit) in error["message"]
    assert not [sql for sql in statements if "workout." in sql], "nothing was read: it never ran"


async def test_variables_and_fragments_cost_what_they_stand_for(cost_api, owner):
    token = owner["token"]
    small, _, _ = await cost_api.post(token, VIA_VARIABLES, {"plans": 2, "versions": 2})
    assert "errors" not in small, small
    [plan] = small["data"]["workoutPlans"]["edges"]
    assert len(plan["node"]["versions"]["edges"]) == 2

    written_out, _, _ = await cost_api.post(token, WRITTEN_OUT % (100, 100))
    for variables in ({"plans": 100, "versions": 100}, {"plans": 100}):  # the default of $versions counts
        body, statements, _ = await cost_api.post(token, VIA_VARIABLES, variables)
        assert refusal(body)["extensions"]["cost"] == refusal(written_out)["extensions"]["cost"]
        assert not [sql for sql in statements if "workout." in sql]


async def test_a_costly_operation_is_refused_over_a_websocket_too(cost_api, owner):
    params = {"authorization": f"Bearer {owner['token']}"}
    async with graphql_ws(cost_api.running.ws_url, params) as live:
        query_id = await live.subscribe(ATTACK)
        subscription_id = await live.subscribe(WATCH, {"id": owner["plan_id"]})
        answers: dict[str, dict[str, Any]] = {}
        while len(answers) < 2:
            message = await live.receive()
            answers[message["id"]] = message
    for operation_id, cost in ((query_id, ATTACK_COST), (subscription_id, WATCH_COST)):
        message = answers[operation_id]
        assert message["type"] == "error", message
        limit = cost_api.running.api.settings.max_query_cost
        assert limit < cost
        [error] = message["payload"]
        assert error["extensions"] == {"code": "QUERY_TOO_COSTLY", "cost": cost, "limit": limit}


@pytest.mark.parametrize("first", [0, -1, 101])
async def test_first_beyond_the_page_cap_is_bad_user_input_for_every_connection(cost_api, owner, first):
    plans = await cost_api.fails(
        owner["token"],
        "query($n: Int) { workoutPlans(first: $n) { pageInfo { hasNextPage } } }",
        {"n": first},
    )
    versions = await cost_api.fails(
        owner["token"],
        "query($id: ID!, $n: Int) { workoutPlan(id: $id) { versions(first: $n) { totalCount } } }",
        {"id": owner["plan_id"], "n": first},
    )
    assert plans == versions == ["BAD_USER_INPUT"]
