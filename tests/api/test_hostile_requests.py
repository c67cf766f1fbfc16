"""Malformed and hostile requests get a clear error with a stable code: never a 500, never a stack trace."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from websockets.asyncio.client import connect

from tests.api.graphql_client import CREATE_PLAN, execute, register

REFUSED_IN_TEXT = ["\u0085", "\u009b", "\u202e", "\u2066", "\ufdd0", "\uffff", "\U0001fffe", "\x07"]
"""C1 controls (NEL, CSI), a bidi override and isolate, noncharacters (BMP and plane 1), a C0 control."""
UPDATE_PROFILE = """mutation($input: UpdateProfileInput!) {
  updateProfile(input: $input) { user { displayName goals } userErrors { field code message } }
}"""
SUBSCRIPTION = 'subscription { workoutPlanChanged(planId: "V29ya291dFBsYW46MA==") { id } }'


def codes(body: dict[str, Any]) -> list[str]:
    return [error["extensions"]["code"] for error in body["errors"]]


def no_trace(body: dict[str, Any]) -> None:
    text = json.dumps(body)
    assert "Traceback" not in text
    assert ".py" not in text


@pytest.fixture(autouse=True)
def no_traceback_in_the_log(caplog: pytest.LogCaptureFixture) -> Iterator[None]:
    """The server runs in this process: whatever it logs while a test runs is in `caplog`. A client's bad
    input is no server error: nothing at ERROR, and no traceback at any level."""
    caplog.set_level(logging.INFO)
    yield
    logged = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info is not None]
    assert not logged, [f"{r.name}: {r.getMessage()}" for r in logged]


@pytest.mark.parametrize(
    ("content", "content_type", "status", "code"),
    [
        (b"{not json", "application/json", 400, "BAD_REQUEST"),
        (b'{"query": 42}', "application/json", 400, "BAD_REQUEST"),
        (b'{"query": "{ __typename }", "variables": [1]}', "application/json", 400, "BAD_REQUEST"),
        (b'{"query": "{ __typename }", "extensions": "x"}', "application/json", 400, "BAD_REQUEST"),
        (b"[1, 2]", "application/json", 400, "BAD_REQUEST"),
        (b'[{"query": "{ __typename }"}]', "application/json", 400, "BAD_REQUEST"),
        (b"null", "application/json", 400, "BAD_REQUEST"),
        (b"123", "application/json", 400, "BAD_REQUEST"),
        (b'"str"', "application/json", 400, "BAD_REQUEST"),
        (b" \n true", "application/json", 400, "BAD_REQUEST"),
        (b"query { __typename }", "text/plain", 415, "UNSUPPORTED_MEDIA_TYPE"),
        (b"\xff\xfe\x00garbage", "application/json", 400, "BAD_REQUEST"),
        (
            b'{"query": "{ __typename }", "variables": {"a": "\\u0000"}}',
            "application/json",
            400,
            "BAD_REQUEST",
        ),
        (b'{"query": "{ __typename \\ud800 }"}', "application/json", 400, "BAD_REQUEST"),
    ],
)
async def test_malformed_bodies_are_refused_with_a_json_error(client, content, content_type, status, code):
    response = await client.post("/graphql", content=content, headers={"content-type": content_type})
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    assert codes(response.json()) == [code]
    assert response.headers["x-request-id"]


async def test_an_oversized_body_is_refused_before_it_is_parsed(served, client):
    limit = served.api.settings.max_body_bytes
    big = json.dumps({"query": "{ __typename }", "variables": {"pad": "x" * (limit + 10)}})
    response = await client.post("/graphql", content=big, headers={"content-type": "application/json"})
    assert response.status_code == 413
    assert codes(response.json()) == ["PAYLOAD_TOO_LARGE"]

    async def chunks() -> AsyncIterator[bytes]:  # no Content-Length: the body is counted while it streams in
        for _ in range(limit // 1000 + 2):
            yield b"x" * 1000

    streamed = await client.post("/graphql", content=chunks(), headers={"content-type": "application/json"})
    assert streamed.status_code == 413


async def test_mutations_over_get_are_refused_and_queries_over_get_work(client):
    mutation = await client.get("/graphql", params={"query": "mutation { logout { ended } }"})
    assert mutation.status_code == 405
    assert codes(mutation.json()) == ["METHOD_NOT_ALLOWED"]
    query = await client.get("/graphql", params={"query": "{ __typename }"})
    assert (query.status_code, query.json()) == (200, {"data": {"__typename": "Query"}})
    assert (await client.put("/graphql", content=b"{}")).status_code == 405


@pytest.mark.parametrize(
    ("query", "fragment"),
    [
        ("{ me { ", "Syntax Error"),
        ("{ nosuchfield }", "Cannot query field"),
        ("{ workoutPlans(first: 99999999999) { edges { cursor } } }", "Int cannot represent"),
        ("{ __schema { types { name } } }", "introspection"),
        ("{ " + " ".join(f"a{i}: __typename" for i in range(40)) + " }", "aliases"),
        ("{ " + "__typename " * 3000 + "}", "token"),
    ],
)
async def test_bad_queries_are_bad_user_input(client, query, fragment):
    body = await execute(client, query)
    assert body.get("data") is None
    assert set(codes(body)) == {"BAD_USER_INPUT"}
    assert fragment.lower() in " ".join(error["message"] for error in body["errors"]).lower()
    no_trace(body)


async def test_a_query_nested_beyond_the_depth_limit_is_refused(served, client):
    depth = served.api.settings.max_query_depth
    query = "{ " + "workoutPlans { edges { node { " * depth + "id" + " } } }" * depth + " }"
    body = await execute(client, query)
    assert body.get("data") is None
    assert "depth" in " ".join(error["message"] for error in body["errors"])
    assert set(codes(body)) == {"BAD_USER_INPUT"}


async def test_field_suggestions_do_not_leak_the_schema(client):
    body = await execute(client, "{ workoutPlan { nam } }")
    assert "Did you mean" not in json.dumps(body)


@pytest.mark.parametrize(
    "header",
    ["Bearer not-a-jwt", "Basic dXNlcjpwYXNz", "Bearer " + "a" * 5000, "Bearer eyJhbGciOiJub25lIn0.e30."],
)
async def test_bad_access_tokens_are_unauthenticated(client, header):
    response = await client.post(
        "/graphql", json={"query": "{ me { id } }"}, headers={"authorization": header}
    )
    assert response.status_code == 200
    assert codes(response.json()) == ["UNAUTHENTICATED"]


async def test_hostile_inputs_to_mutations_come_back_as_user_errors(client):
    ada = await register(client)
    for name in ("", " " * 50, "x" * 10_000):
        payload = (await ada.data(CREATE_PLAN, {"input": {"name": name}}))["createWorkoutPlan"]
        assert payload["plan"] is None
        assert payload["userErrors"][0]["code"] == "VALIDATION"
        assert payload["userErrors"][0]["field"] == "input.name"
    for variables in (
        {"input": {"name": "ok", "durationMinutes": -5}},
        {"input": {"name": "ok", "durationMinutes": 10**6}},
    ):
        payload = (await ada.data(CREATE_PLAN, variables))["createWorkoutPlan"]
        assert payload["userErrors"][0]["code"] == "VALIDATION"
    bad_id = await ada.execute(
        'mutation { archiveWorkoutPlan(input: {planId: "not-an-id"}) { userErrors { field code } } }'
    )
    assert bad_id["data"]["archiveWorkoutPlan"]["userErrors"] == [
        {"field": "input.planId", "code": "BAD_USER_INPUT"}
    ]
    unknown = await ada.execute(
        '{ workoutPlan(id: "V29ya291dFBsYW46MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAw") { id } }'
    )
    assert codes(unknown) == ["NOT_FOUND"]


@pytest.mark.parametrize(
    "body", [b"null", b"123", b'"str"', b"true", b"[]", b'[{"query": "{ __typename }"}]']
)
async def test_a_body_that_is_not_one_request_object_says_what_is_expected(client, body):
    response = await client.post("/graphql", content=body, headers={"content-type": "application/json"})
    assert response.status_code == 400
    [error] = response.json()["errors"]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert ("object" in error["message"]) or ("Batching" in error["message"]), error


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        (2**31, "32-bit"),
        (-(2**31) - 1, "32-bit"),
        (2**63, "32-bit"),
        (1.5, "non-integer"),
        ("7", "non-integer"),
        (True, "non-integer"),
    ],
)
async def test_a_variable_that_does_not_coerce_to_its_type_is_bad_user_input(client, value, fragment):
    query = "query Page($n: Int) { workoutPlans(first: $n) { edges { cursor } } }"
    body = await execute(client, query, {"n": value})
    assert body.get("data") is None
    assert codes(body) == ["BAD_USER_INPUT"]
    assert "$n" in body["errors"][0]["message"]
    assert fragment in body["errors"][0]["message"]
    no_trace(body)


async def test_an_input_object_variable_with_an_unknown_field_is_bad_user_input(client):
    query = "mutation C($input: CreateWorkoutPlanInput!) { createWorkoutPlan(input: $input) { plan { id } } }"
    body = await execute(client, query, {"input": {"name": "Legs", "bogus": 1}})
    assert body.get("data") is None
    assert codes(body) == ["BAD_USER_INPUT"]
    assert "bogus" in body["errors"][0]["message"]
    no_trace(body)


async def test_a_subscription_over_http_is_refused_naming_the_websocket_endpoint(client):
    for response in (
        await client.post("/graphql", json={"query": SUBSCRIPTION}),
        await client.get("/graphql", params={"query": SUBSCRIPTION}),
    ):
        assert response.status_code == 400, response.text
        [error] = response.json()["errors"]
        assert error["extensions"]["code"] == "BAD_REQUEST"
        assert "WebSocket" in error["message"]
        assert "graphql-transport-ws" in error["message"]


@pytest.mark.parametrize("query", ["query Me { me { displayName } }", "mutation Out { logout { ended } }"])
async def test_a_query_over_the_legacy_graphql_ws_protocol_gets_a_clear_error(served, client, query):
    ada = await register(client, "Ada")
    async with connect(served.ws_url, subprotocols=["graphql-ws"]) as socket:  # type: ignore[list-item]
        init = {"type": "connection_init", "payload": {"authorization": f"Bearer {ada.access_token}"}}
        await socket.send(json.dumps(init))
        await socket.send(json.dumps({"id": "1", "type": "start", "payload": {"query": query}}))
        while True:
            message = json.loads(await asyncio.wait_for(socket.recv(), 5))
            if message["type"] not in ("connection_ack", "ka"):
                break
    assert (message["type"], message["id"]) == ("error", "1"), message
    assert message["payload"]["extensions"]["code"] == "BAD_REQUEST"
    assert "graphql-transport-ws" in message["payload"]["message"]
    assert "INTERNAL_SERVER_ERROR" not in json.dumps(message)


@pytest.mark.parametrize("character", REFUSED_IN_TEXT, ids=lambda c: f"U+{ord(c):04X}")
async def test_a_plan_name_holding_a_control_reordering_or_noncharacter_is_a_user_error(client, character):
    ada = await register(client)
    name = f"Leg day {character}gnp.exe"  # with U+202E it shows as "Leg day exe.png"
    payload = (await ada.data(CREATE_PLAN, {"input": {"name": name}}))["createWorkoutPlan"]
    assert payload["plan"] is None
    [error] = payload["userErrors"]
    assert (error["field"], error["code"]) == ("input.name", "DISALLOWED_CHARACTER")
    assert f"U+{ord(character):04X}" in error["message"]
    plans = await ada.data("{ workoutPlans(first: 5) { edges { cursor } } }")
    assert plans["workoutPlans"]["edges"] == []


async def test_a_profile_text_holding_a_right_to_left_override_is_a_user_error(client):
    ada = await register(client, "Ada")
    for field, value in (("displayName", "Ada \u202eevil"), ("goals", ["run \u202e10k"])):
        payload = (await ada.data(UPDATE_PROFILE, {"input": {field: value}}))["updateProfile"]
        assert payload["user"] is None
        assert [(e["field"], e["code"]) for e in payload["userErrors"]] == [
            (f"input.{field}", "DISALLOWED_CHARACTER")
        ]
    me = await ada.data("{ me { displayName goals } }")
    assert me["me"] == {"displayName": "Ada", "goals": []}


async def test_right_to_left_text_with_its_direction_marks_is_accepted(client):
    ada = await register(client)
    name = (
        "\u05ea\u05d5\u05db\u05e0\u05d9\u05ea 3\u200f \u0623\u0633\u0628\u0648\u0639"  # Hebrew, RLM, Arabic
    )
    payload = (await ada.data(CREATE_PLAN, {"input": {"name": name}}))["createWorkoutPlan"]
    assert payload["userErrors"] == []
    assert payload["plan"]["name"] == name
