"""Query cost over a real socket: a page of 50 plans with their exercises, versions and owner sends
PostgreSQL the same few statements as a page of one; keyset pages; `workoutPlan(id)` through the cache.

How statements are counted: at the driver. Every statement psycopg sends to the server leaves through
one of three places, whichever pool, cursor or protocol is used: `BaseCursor._execute_send` (simple and
extended queries, server-side cursors, COPY), `BaseCursor._send_query_prepared` (prepared statements) and
`BaseConnection._exec_command` (BEGIN, COMMIT, SAVEPOINT, ...). The test wraps the three and records each
statement under the HTTP request it was sent for: an ASGI wrapper around the app sets a context
variable per request, which the request's tasks (resolvers, dataloader batches) inherit and the
projectors' and pools' own tasks do not. So a request's count covers the read models, the event store
and the session check alike, and nothing else. (pg_stat_statements would count on the server, but it
needs `shared_preload_libraries`, which the shared test PostgreSQL does not load.)
"""

from __future__ import annotations

import asyncio
import functools
import json
import uuid
from collections.abc import AsyncIterator, Generator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import httpx
import psycopg
import pytest
from psycopg import _connection_base, _cursor_base
from redis.asyncio import Redis
from starlette.types import ASGIApp, Receive, Scope, Send

import server
import tests.api.server as api_server
from adapters.postgres_read_models import _AFTER_CURSOR, _NEWEST_FIRST, _USER_PLANS
from adapters.redis_cache import RedisCache
from application.cache import CacheKey
from schema.ids import parse_global_id
from tests.api.graphql_client import Session, create_plan, data, exercise, register
from tests.api.server import REDIS_URL, RunningApi, fresh_database, running_api, test_settings
from tests.api_support.redis_server import delete_prefixed, eventually

PLANS = 50
ARCHIVED = 5
PAGE = (
    "{ workoutPlans(first: %d) { edges { node { name exercises { name }"
    " versions { edges { node { versionNumber } } } owner { displayName } } } } }"
)
WALK = """query Walk($first: Int, $after: String, $active: Boolean) {
  workoutPlans(first: $first, after: $after, active: $active) {
    edges { cursor node { id updatedAt isActive } }
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
  }
}"""
LOGIN = (
    "mutation($input: LoginInput!) { login(input: $input) { tokens { accessToken } userErrors { code } } }"
)
PASSWORD = "correct horse battery staple"


def change(name: str, input_type: str) -> str:
    return f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ userErrors {{ code message }} }} }}"


ADD = change("addExercise", "AddExerciseInput")
SAVE_VERSION = change("createPlanVersion", "CreatePlanVersionInput")
ARCHIVE = change("archiveWorkoutPlan", "ArchiveWorkoutPlanInput")
RENAME = change("renameWorkoutPlan", "RenameWorkoutPlanInput")

_REQUEST_STATEMENTS: ContextVar[list[str] | None] = ContextVar("request_statements", default=None)


def _text(query: object) -> str:
    if isinstance(query, bytes):
        return query.decode(errors="replace")
    return str(query)


def _note(query: object) -> None:
    statements = _REQUEST_STATEMENTS.get()
    if statements is not None:
        statements.append(" ".join(_text(query).split()))


@dataclass
class StatementLog:
    """The statements PostgreSQL was sent for each request carrying an `X-Request-ID`."""

    by_request: dict[str, list[str]] = field(default_factory=dict)

    def wrap(self, app: ASGIApp) -> ASGIApp:
        async def counted(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            statements: list[str] = []
            request_id = dict(scope.get("headers", [])).get(b"x-request-id")
            if request_id is not None:
                self.by_request[request_id.decode()] = statements
            token = _REQUEST_STATEMENTS.set(statements)
            try:
                await app(scope, receive, send)
            finally:
                _REQUEST_STATEMENTS.reset(token)

        return counted


def _install_driver_hooks(patch: pytest.MonkeyPatch) -> None:
    send = _cursor_base.BaseCursor._execute_send
    send_prepared = _cursor_base.BaseCursor._send_query_prepared
    command = _connection_base.BaseConnection._exec_command

    @functools.wraps(send)
    def noted_send(self: Any, query: Any, *args: Any, **kwargs: Any) -> None:
        _note(query.query)
        send(self, query, *args, **kwargs)

    @functools.wraps(send_prepared)
    def noted_send_prepared(self: Any, name: bytes, query: Any, *args: Any, **kwargs: Any) -> None:
        _note(query.query)
        send_prepared(self, name, query, *args, **kwargs)

    @functools.wraps(command)
    def noted_command(self: Any, sql: Any, *args: Any, **kwargs: Any) -> Generator[Any, Any, Any]:
        _note(sql if isinstance(sql, str | bytes) else sql.as_string(self))
        return (yield from command(self, sql, *args, **kwargs))

    patch.setattr(_cursor_base.BaseCursor, "_execute_send", noted_send)
    patch.setattr(_cursor_base.BaseCursor, "_send_query_prepared", noted_send_prepared)
    patch.setattr(_connection_base.BaseConnection, "_exec_command", noted_command)


@dataclass
class CostApi:
    running: RunningApi
    log: StatementLog
    http: httpx.AsyncClient

    async def run(
        self, token: str, query: str, variables: dict[str, Any] | None = None
    ) -> tuple[dict[str, Any], list[str]]:
        """The response's data and the statements the request sent to PostgreSQL (read results are
        cached per user: `no-cache` makes the request execute, which is what is counted here)."""
        request_id = f"cost-{uuid.uuid4().hex}"
        response = await self.http.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers={
                "authorization": f"Bearer {token}",
                "x-request-id": request_id,
                "cache-control": "no-cache",
            },
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert not body.get("errors"), body["errors"]
        return body["data"], self.log.by_request.pop(request_id)

    async def fails(self, token: str, query: str, variables: dict[str, Any] | None = None) -> list[str]:
        response = await self.http.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"authorization": f"Bearer {token}"},
        )
        assert response.status_code == 200, response.text
        return [error["extensions"]["code"] for error in response.json()["errors"]]


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


def tables_of(statements: list[str]) -> list[str]:
    names = ("workout.workout_plans", "workout.plan_versions", "auth.users", "auth_tokens.", "eventstore.")
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
    count covers the session check too, and it does not grow with the page either."""
    counts = {}
    for first in (PLANS, 1):
        login = await data(cost_api.http, LOGIN, {"input": {"email": seeded.email, "password": PASSWORD}})
        token = login["login"]["tokens"]["accessToken"]
        _, cold = await cost_api.run(token, PAGE % first)
        _, warm = await cost_api.run(token, PAGE % first)
        counts[first] = (cold, warm)
        session_check = [sql for sql in cold if sql not in warm]
        assert tables_of(session_check) == ["auth_tokens.", "eventstore."], cold
    cold_fifty, cold_one = len(counts[PLANS][0]), len(counts[1][0])
    print(f"\nfirst request of a session: first:{PLANS} = {cold_fifty}, first:1 = {cold_one}")
    assert cold_fifty == cold_one == len(counts[PLANS][1]) + 2


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


async def test_keyset_pages_walk_every_plan_once_newest_first(cost_api, seeded):
    token = seeded.owner.access_token
    for active, expected in ((None, set(seeded.plan_ids)), (True, set(seeded.plan_ids) - seeded.archived)):
        seen: list[dict[str, Any]] = []
        after = None
        pages = 0
        while True:
            variables = {"first": 7, "after": after, "active": active}
            page = (await cost_api.run(token, WALK, variables))[0]["workoutPlans"]
            pages += 1
            assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
            seen += [edge["node"] for edge in page["edges"]]
            assert page["pageInfo"]["endCursor"] == page["edges"][-1]["cursor"]
            if not page["pageInfo"]["hasNextPage"]:
                break
            after = page["pageInfo"]["endCursor"]
        ids = [node["id"] for node in seen]
        assert len(ids) == len(set(ids)), "no plan twice"
        assert set(ids) == expected, "no plan left out"
        assert pages == -(-len(expected) // 7)
        order = [(node["updatedAt"], node["id"]) for node in seen]
        assert order == sorted(order, reverse=True)


async def test_a_page_over_the_cap_or_a_bad_cursor_is_bad_user_input(cost_api, seeded):
    token = seeded.owner.access_token
    for first in (101, 0, -1):
        assert await cost_api.fails(token, WALK, {"first": first}) == ["BAD_USER_INPUT"]
    versions = await seeded.owner.data(
        "query($id: ID!) { workoutPlan(id: $id) { versions(first: 1) { pageInfo { endCursor } } } }",
        {"id": seeded.plan_ids[0]},
    )
    version_cursor = versions["workoutPlan"]["versions"]["pageInfo"]["endCursor"]
    for cursor in ("not a cursor!", "cGxhbnxub3QtYS1kYXRlfHg", version_cursor, "x" * 500, "plané"):
        assert await cost_api.fails(token, WALK, {"first": 5, "after": cursor}) == ["BAD_USER_INPUT"], cursor
    assert (await cost_api.run(token, WALK, {"first": 100}))[0]["workoutPlans"]["pageInfo"][
        "hasNextPage"
    ] is False


async def test_active_false_lists_only_the_archived_plans(cost_api, seeded):
    page = (await cost_api.run(seeded.owner.access_token, WALK, {"first": 100, "active": False}))[0]
    nodes = [edge["node"] for edge in page["workoutPlans"]["edges"]]
    assert {node["id"] for node in nodes} == seeded.archived
    assert not any(node["isActive"] for node in nodes)


async def test_the_keyset_page_query_is_served_by_an_index_without_sorting(cost_api, seeded):
    """With 50 rows PostgreSQL would scan the table anyway; with scans off it shows what it would use
    on a big one: the (user_id, updated_at, id) index, read in order, with no sort of the user's plans."""
    query = _USER_PLANS + _AFTER_CURSOR + _NEWEST_FIRST
    params = {
        "user_id": uuid.uuid4(),
        "updated_at": "2030-01-01T00:00:00Z",
        "plan_id": uuid.uuid4(),
        "limit": 8,
    }
    settings = cost_api.running.api.settings
    async with await psycopg.AsyncConnection.connect(settings.resolved_database_url, autocommit=True) as conn:
        await conn.execute("SET enable_seqscan = off")
        cursor = await conn.execute(f"EXPLAIN (FORMAT JSON) {query}", params)
        row = await cursor.fetchone()
    assert row is not None
    plan = json.dumps(row[0])
    assert "workout_plans_user_updated" in plan, plan
    assert '"Node Type": "Sort"' not in plan, plan


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
