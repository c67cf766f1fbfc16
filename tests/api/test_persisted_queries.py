"""Automatic persisted queries (Apollo's protocol) over a real socket, kept in the shared Redis.

A client sends only `extensions.persistedQuery.sha256Hash`; on a miss it gets PERSISTED_QUERY_NOT_FOUND
(HTTP 200, like Apollo Server), sends the query with its hash once, and from then on the hash alone
works, over POST and GET, on every replica that shares the Redis.
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis

from tests.adapters.api_ports.redis_server import delete_prefixed
from tests.api.graphql_client import register
from tests.api.server import REDIS_URL, RunningApi, running_api, test_settings


@pytest.fixture(scope="module", autouse=True)
async def _forget_the_queries_afterwards(served: RunningApi) -> AsyncIterator[None]:
    yield
    await delete_prefixed(REDIS_URL, served.api.settings.redis_key_prefix)


def sha256(query: str) -> str:
    return hashlib.sha256(query.encode()).hexdigest()


def persisted(digest: str, version: Any = 1) -> dict[str, Any]:
    return {"persistedQuery": {"version": version, "sha256Hash": digest}}


def a_new_query() -> str:
    """A query no test has sent before (an alias makes it unique), so its hash is unknown."""
    return f"query Probe {{ probe_{uuid.uuid4().hex}: __typename }}"


async def post(client: httpx.AsyncClient, body: dict[str, Any], token: str | None = None) -> httpx.Response:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    return await client.post("/graphql", json=body, headers=headers)


async def get(client: httpx.AsyncClient, params: dict[str, Any]) -> httpx.Response:
    encoded = {
        name: json.dumps(value) if isinstance(value, dict) else value for name, value in params.items()
    }
    return await client.get("/graphql", params=encoded)


def not_found(response: httpx.Response) -> bool:
    body = response.json()
    return (
        response.status_code == 200
        and body["errors"][0]["extensions"]["code"] == "PERSISTED_QUERY_NOT_FOUND"
        and body["errors"][0]["message"] == "PersistedQueryNotFound"
        and body.get("data") is None
    )


async def test_a_hash_is_unknown_until_sent_with_its_query_then_works_alone(client):
    query = a_new_query()
    digest = sha256(query)
    alias = query.split()[3].rstrip(":")

    assert not_found(await post(client, {"extensions": persisted(digest)}))

    registered = await post(client, {"query": query, "extensions": persisted(digest)})
    assert registered.status_code == 200
    assert registered.json() == {"data": {alias: "Query"}}

    again = await post(client, {"extensions": persisted(digest)})
    assert (again.status_code, again.json()) == (200, {"data": {alias: "Query"}})


async def test_a_persisted_query_takes_variables_and_the_viewer(client):
    ada = await register(client, "Ada")
    query = "query Me($n: Int) { me { displayName } workoutPlans(first: $n) { edges { cursor } } }"
    digest = sha256(query)
    first = await post(
        client, {"query": query, "variables": {"n": 3}, "extensions": persisted(digest)}, ada.access_token
    )
    assert first.json() == {"data": {"me": {"displayName": "Ada"}, "workoutPlans": {"edges": []}}}
    second = await post(client, {"variables": {"n": 1}, "extensions": persisted(digest)}, ada.access_token)
    assert second.json() == first.json()
    anonymous = await post(client, {"extensions": persisted(digest)})
    assert anonymous.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_persisted_queries_work_over_get_and_a_stored_mutation_is_still_refused_there(client):
    query = a_new_query()
    digest = sha256(query)
    alias = query.split()[3].rstrip(":")

    assert not_found(await get(client, {"extensions": persisted(digest)}))
    registered = await get(client, {"query": query, "extensions": persisted(digest)})
    assert (registered.status_code, registered.json()) == (200, {"data": {alias: "Query"}})
    hashed = await get(client, {"extensions": persisted(digest)})
    assert (hashed.status_code, hashed.json()) == (200, {"data": {alias: "Query"}})

    mutation = f"mutation Out_{uuid.uuid4().hex} {{ logout {{ ended }} }}"
    await post(client, {"query": mutation, "extensions": persisted(sha256(mutation))})
    over_get = await get(client, {"extensions": persisted(sha256(mutation))})
    assert over_get.status_code == 405
    assert over_get.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"


async def test_a_hash_that_does_not_match_its_query_is_refused_and_not_stored(client):
    query = a_new_query()
    wrong = sha256(query + " ")
    refused = await post(client, {"query": query, "extensions": persisted(wrong)})
    assert refused.status_code == 400
    assert refused.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
    assert not_found(await post(client, {"extensions": persisted(wrong)}))


@pytest.mark.parametrize(
    "extensions",
    [
        {"persistedQuery": "abc"},
        {"persistedQuery": []},
        {"persistedQuery": {"sha256Hash": "0" * 64}},
        {"persistedQuery": {"version": 2, "sha256Hash": "0" * 64}},
        {"persistedQuery": {"version": "1", "sha256Hash": "0" * 64}},
        {"persistedQuery": {"version": True, "sha256Hash": "0" * 64}},
        {"persistedQuery": {"version": 1}},
        {"persistedQuery": {"version": 1, "sha256Hash": 42}},
        {"persistedQuery": {"version": 1, "sha256Hash": "0" * 63}},
        {"persistedQuery": {"version": 1, "sha256Hash": "A" * 64}},
        {"persistedQuery": {"version": 1, "sha256Hash": "g" * 64}},
    ],
)
async def test_a_malformed_persisted_query_extension_is_a_bad_request(client, extensions):
    for body in ({"extensions": extensions}, {"query": "{ __typename }", "extensions": extensions}):
        response = await post(client, body)
        assert response.status_code == 400, (body, response.text)
        assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


async def test_queries_are_kept_in_redis_under_the_prefix_and_a_second_replica_knows_them(served, client):
    query = a_new_query()
    digest = sha256(query)
    alias = query.split()[3].rstrip(":")
    assert (await post(client, {"query": query, "extensions": persisted(digest)})).status_code == 200

    settings = served.api.settings
    raw = Redis.from_url(REDIS_URL)
    try:
        key = f"{settings.redis_key_prefix}apq:{digest}"
        assert await raw.get(key) == query.encode()
        assert settings.apq_ttl_seconds - 60 <= await raw.ttl(key) <= settings.apq_ttl_seconds
    finally:
        await raw.aclose()

    replica_settings = test_settings(
        settings.resolved_database_url, redis_key_prefix=settings.redis_key_prefix
    )
    async with running_api(replica_settings) as replica, replica.client() as other:
        answered = await post(other, {"extensions": persisted(digest)})
        assert (answered.status_code, answered.json()) == (200, {"data": {alias: "Query"}})

    isolated_settings = test_settings(settings.resolved_database_url)  # a deployment with its own prefix
    async with running_api(isolated_settings) as isolated, isolated.client() as stranger:
        assert not_found(await post(stranger, {"extensions": persisted(digest)}))
    await delete_prefixed(REDIS_URL, isolated_settings.redis_key_prefix)
