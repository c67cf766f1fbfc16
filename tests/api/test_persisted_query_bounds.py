"""What an anonymous client can make the API keep as persisted queries, over a real socket on the shared
Redis: only documents that parsed and validated against the schema, at most FITCOACH_APQ_REGISTRATIONS_
PER_MINUTE new ones per address, and never more bytes than FITCOACH_APQ_MAX_BYTES across every replica.
Whatever is not kept still runs: the client just sends the whole query again next time."""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis

from tests.adapters.api_ports.redis_server import delete_prefixed
from tests.api.server import REDIS_URL, RunningApi, fresh_database, running_api, test_settings

Body = dict[str, Any]


@pytest.fixture(scope="module")
async def database() -> AsyncIterator[str]:
    async with fresh_database() as url:
        yield url


@pytest.fixture
async def redis() -> AsyncIterator[Redis]:
    client = Redis.from_url(REDIS_URL)
    yield client
    await client.aclose()


async def serving(database: str, **settings: Any) -> AsyncIterator[RunningApi]:
    async with running_api(test_settings(database, **settings)) as running:
        try:
            yield running
        finally:
            await delete_prefixed(REDIS_URL, running.api.settings.redis_key_prefix)


@pytest.fixture
async def limited(database: str) -> AsyncIterator[RunningApi]:
    async for running in serving(database, apq_registrations_per_minute=3):
        yield running


@pytest.fixture
async def budgeted(database: str) -> AsyncIterator[RunningApi]:
    async for running in serving(database, apq_max_bytes=1024 * 1024, apq_registrations_per_minute=10_000):
        yield running


def sha256(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


def with_hash(query: str) -> Body:
    return {"query": query, "extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha256(query)}}}


def hash_only(query: str) -> Body:
    return {"extensions": {"persistedQuery": {"version": 1, "sha256Hash": sha256(query)}}}


def a_new_query(padding: int = 0) -> tuple[str, str]:
    """A valid query no one sent before (an alias makes it unique), padded with a comment; and its alias."""
    alias = f"probe_{uuid.uuid4().hex}"
    return f"query Probe {{ {alias}: __typename }}\n#{'x' * padding}", alias


async def post(http: httpx.AsyncClient, body: Body) -> Body:
    response = await http.post("/graphql", json=body)
    assert response.status_code == 200, response.text
    answer: Body = response.json()
    return answer


def codes(body: Body) -> list[str]:
    return [error["extensions"]["code"] for error in body.get("errors") or []]


async def stored(redis: Redis, running: RunningApi) -> dict[bytes, int]:
    """Each `apq:*` key of this deployment and the bytes of its value."""
    prefix = running.api.settings.redis_key_prefix
    return {key: await redis.strlen(key) async for key in redis.scan_iter(match=f"{prefix}apq:*")}


async def test_documents_that_do_not_parse_or_validate_are_never_stored(limited, redis):
    comment = "#" + "x" * 60_000  # the probe: a 60 KB comment, not even a document
    unknown_field = "{ " + f"nosuchfield_{uuid.uuid4().hex}" + " }"
    too_deep = "{ " + "workoutPlans { edges { node { " * 12 + "id" + " } } }" * 12 + " }"
    async with limited.client() as http:
        for index in range(20):
            refused = await post(http, with_hash(f"# {index}\n{comment}"))
            assert codes(refused) == ["BAD_USER_INPUT"], refused
        for query in (unknown_field, too_deep):
            assert set(codes(await post(http, with_hash(query)))) == {"BAD_USER_INPUT"}
            assert codes(await post(http, hash_only(query))) == ["PERSISTED_QUERY_NOT_FOUND"]
        assert await stored(redis, limited) == {}

        query, alias = a_new_query()  # none of the refused ones counted against the address's limit
        assert await post(http, with_hash(query)) == {"data": {alias: "Query"}}
        assert await post(http, hash_only(query)) == {"data": {alias: "Query"}}


async def test_an_address_registers_a_bounded_number_of_new_queries_a_minute_and_every_one_runs(
    limited, redis
):
    async with limited.client() as http:
        first, first_alias = a_new_query()
        assert await post(http, with_hash(first)) == {"data": {first_alias: "Query"}}
        for _ in range(3):  # sending a query the store holds again is no new registration
            assert await post(http, with_hash(first)) == {"data": {first_alias: "Query"}}

        queries = [a_new_query() for _ in range(4)]
        for query, alias in queries:
            assert await post(http, with_hash(query)) == {"data": {alias: "Query"}}, "over the limit, it runs"

        kept = [codes(await post(http, hash_only(query))) == [] for query, _ in queries]
        assert kept == [True, True, False, False]
        assert len(await stored(redis, limited)) == 3


async def test_the_bytes_kept_stay_within_the_budget_and_a_full_store_keeps_what_it_has(budgeted, redis):
    budget = budgeted.api.settings.apq_max_bytes
    queries = [a_new_query(padding=60_000) for _ in range(24)]  # 1.4 MB in all
    async with budgeted.client() as http:
        for query, alias in queries:
            assert await post(http, with_hash(query)) == {"data": {alias: "Query"}}, "full or not, it runs"
        kept = [codes(await post(http, hash_only(query))) == [] for query, _ in queries]

    sizes = await stored(redis, budgeted)
    assert 0 < sum(sizes.values()) <= budget
    assert kept == [True] * len(sizes) + [False] * (len(queries) - len(sizes)), "the first ones stay"
    assert len(sizes) >= 12
