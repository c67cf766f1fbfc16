"""Query cost over a real socket: a page of 50 plans with their exercises, versions and owner sends
PostgreSQL the same few statements as a page of one, and `workoutPlan(id)` is read through the cache.
(How statements are counted: `tests.api.statement_log`.)
"""

from __future__ import annotations

import uuid

from redis.asyncio import Redis

from adapters.redis.cache import RedisCache
from application.cache import CacheKey
from schema.ids import parse_global_id
from tests.adapters.api_ports.redis_server import eventually
from tests.api.graphql_client import data
from tests.api.query_cost.query_cost_support import PLANS, RENAME, _changed

# Fixtures: imported under their own names, so that pytest finds them in this module.
from tests.api.server import REDIS_URL
from tests.api.statement_log import _REQUEST_STATEMENTS

PAGE = (
    "{ workoutPlans(first: %d) { edges { node { name exercises { name }"
    " versions { edges { node { versionNumber } } } owner { displayName } } } } }"
)
LOGIN = (
    "mutation($input: LoginInput!) { login(input: $input) { tokens { accessToken } userErrors { code } } }"
)
PASSWORD = "correct horse battery staple"


def tables_of(statements: list[str]) -> list[str]:
    names = (
        "workout.workout_plans",
        "workout.plan_versions",
        "auth.users",
        "auth_tokens.",
        "eventstore.",
        "privacy.data_keys",
    )
    return sorted(next((name for name in names if name in sql), sql) for sql in statements)


async def test_a_page_of_50_plans_costs_the_same_few_statements_as_a_page_of_one(cost_api, seeded):
    token = seeded.owner.access_token
    await cost_api.run(token, PAGE % PLANS)  # this session's check is cached from here on

    page, fifty = await cost_api.run(token, PAGE % PLANS)
    one_page, one = await cost_api.run(token, PAGE % 1)

    nodes = [edge["node"] for edge in page["workoutPlans"]["edges"]]
    assert len(nodes) == PLANS
    assert all(len(node["exercises"]) == 3 for node in nodes)
    assert all(
        [edge["node"]["versionNumber"] for edge in node["versions"]["edges"]] == [1, 2] for node in nodes
    )
    assert {node["owner"]["displayName"] for node in nodes} == {"Owner"}
    assert len(one_page["workoutPlans"]["edges"]) == 1
    print(f"\nstatements for first:{PLANS} = {len(fifty)}, for first:1 = {len(one)}")
    assert len(fifty) == len(one) <= 4, (fifty, one)
    # The page with exercises (one statement), every plan's versions (one), the owner (one).
    assert (
        tables_of(fifty) == tables_of(one) == ["auth.users", "workout.plan_versions", "workout.workout_plans"]
    )


async def test_the_first_request_of_a_new_session_adds_only_the_session_check(cost_api, seeded):
    """A sign-in changes the user's sessions, so its first request reads them from PostgreSQL: the
    count covers the session check too (the sessions, the user's stream and the data key that opens
    its personal fields), and it does not grow with the page either."""
    counts = {}
    for first in (PLANS, 1):
        login = await data(cost_api.http, LOGIN, {"input": {"email": seeded.email, "password": PASSWORD}})
        token = login["login"]["tokens"]["accessToken"]
        _, cold = await cost_api.run(token, PAGE % first)
        _, warm = await cost_api.run(token, PAGE % first)
        counts[first] = (cold, warm)
        session_check = [sql for sql in cold if sql not in warm]
        assert tables_of(session_check) == ["auth_tokens.", "eventstore.", "privacy.data_keys"], cold
    cold_fifty, cold_one = len(counts[PLANS][0]), len(counts[1][0])
    print(f"\nfirst request of a session: first:{PLANS} = {cold_fifty}, first:1 = {cold_one}")
    assert cold_fifty == cold_one == len(counts[PLANS][1]) + 3


async def test_the_counter_sees_every_pool_the_api_uses(cost_api):
    """A check of the method: the adapters' calls each show up as exactly the statements they send."""
    api = cost_api.running.api
    statements: list[str] = []
    token = _REQUEST_STATEMENTS.set(statements)
    try:
        await api.plan_read_model.ping()
        await api.user_read_model.users([uuid.uuid4()])
        await api.core.store.read_stream(f"user-{uuid.uuid4()}")
        await api.core.store.current_position()
    finally:
        _REQUEST_STATEMENTS.reset(token)
    assert len(statements) == 4, statements
    assert statements[0] == "SELECT 1"


PLAN_BY_ID = "query($id: ID!) { workoutPlan(id: $id) { name exercises { name } } }"


async def test_a_plan_by_id_is_read_through_the_plan_cache(cost_api, seeded):
    token = seeded.owner.access_token
    plan_id = seeded.plan_ids[-1]
    await cost_api.run(token, "{ me { id } }")  # the session check is cached from here on
    first, missed = await cost_api.run(token, PLAN_BY_ID, {"id": plan_id})
    second, hit = await cost_api.run(token, PLAN_BY_ID, {"id": plan_id})
    assert first == second
    print(f"\nworkoutPlan(id): {len(missed)} statement(s) on a cache miss, {len(hit)} on a hit")
    assert tables_of(missed) == ["workout.workout_plans"]
    assert hit == [], "a cached plan costs no statement"

    _, raw_id = parse_global_id(plan_id)
    raw = Redis.from_url(REDIS_URL)
    try:
        key = f"{cost_api.running.api.settings.redis_key_prefix}workout:plan:{raw_id}"
        assert await raw.hget(key, "d") is not None, "the plan is in Redis under workout:plan:{planId}"
        assert 0 < await raw.ttl(key) <= 300
    finally:
        await raw.aclose()
    replica_cache = await RedisCache.connect(REDIS_URL, prefix=cost_api.running.api.settings.redis_key_prefix)
    try:  # another replica (an empty L1) gets it from Redis, in the same one round trip as a miss
        cached, absent = await replica_cache.get_many([CacheKey.plan(raw_id), CacheKey.plan(uuid.uuid4())])
        assert cached is not None
        assert (cached.value["name"], absent) == (first["workoutPlan"]["name"], None)
    finally:
        await replica_cache.close()

    await _changed(seeded.owner, RENAME, {"planId": plan_id, "name": "Renamed"})

    async def renamed() -> bool:
        plan = (await cost_api.run(token, PLAN_BY_ID, {"id": plan_id}))[0]["workoutPlan"]
        return bool(plan["name"] == "Renamed")

    assert await eventually(renamed), "the projector's invalidation reached the cache"
