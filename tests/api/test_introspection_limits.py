"""With introspection on, its fields count against the depth limit like any other (Strawberry's
`QueryDepthLimiter` skipped every `__` field, so `ofType { ofType { ... } }` nested without limit) and
against the cost limit; the standard introspection query of GraphiQL and schemathesis still passes.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from graphql.utilities import get_introspection_query

from tests.api.graphql_client import execute
from tests.api.server import RunningApi, fresh_database, running_api, test_settings


@pytest.fixture(scope="module")
async def introspectable() -> AsyncIterator[RunningApi]:
    async with fresh_database() as url, running_api(test_settings(url, introspection=True)) as running:
        yield running


@pytest.fixture
async def client(introspectable: RunningApi) -> AsyncIterator[httpx.AsyncClient]:
    async with introspectable.client() as http:
        yield http


def nested(levels: int) -> str:
    return "ofType { " * levels + "name" + " }" * levels


def deep_documents(depth: int) -> list[str]:
    """Three ways to nest introspection fields `depth` + 1 deep (and more)."""
    return [
        "{ __schema { types { fields { type { " + nested(depth) + " } } } } }",
        '{ __type(name: "WorkoutPlan") { fields { type { ' + nested(depth) + " } } } }",
        "{ __schema { types { ...Deep } } } fragment Deep on __Type { fields { type { ...Of } } }"
        " fragment Of on __Type { " + nested(depth) + " }",
    ]


async def test_introspection_nested_beyond_the_depth_limit_is_refused(introspectable, client):
    depth = introspectable.api.settings.max_query_depth
    for document in deep_documents(depth):
        body = await execute(client, document)
        assert body.get("data") is None, document
        [error] = body["errors"]
        assert error["extensions"]["code"] == "BAD_USER_INPUT"
        assert f"depth of {depth}" in error["message"]


async def test_the_standard_introspection_query_passes(introspectable, client):
    body = await execute(client, get_introspection_query(descriptions=True))
    assert "errors" not in body, body["errors"]
    names = {t["name"] for t in body["data"]["__schema"]["types"]}
    assert {"Query", "WorkoutPlan", "PlanVersionConnection"} <= names


async def test_introspection_counts_against_the_cost_limit(introspectable, client):
    type_ref = "type { name kind ofType { name kind ofType { name kind } } }"
    fields = f"fields {{ name description args {{ name {type_ref} }} {type_ref} }}"
    whole = f"types {{ name kind description {fields} }}"
    body = await execute(client, "{ " + " ".join(f"s{i}: __schema {{ {whole} }}" for i in range(15)) + " }")
    assert body.get("data") is None
    [error] = body["errors"]
    assert error["extensions"]["code"] == "QUERY_TOO_COSTLY"
    limit = introspectable.api.settings.max_query_cost
    assert error["extensions"]["limit"] == limit
    assert error["extensions"]["cost"] > limit
    assert f"more than {limit}" in error["message"], "introspection is counted only until past the limit"
