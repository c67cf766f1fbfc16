"""Per-user rate limits on mutations over a real socket: a token bucket per signed-in user (per client IP
when signed out), in the real Redis, and in process without Redis. Each mutation field costs a token.

The server here holds 20 tokens a user and refills one a minute, so nothing refills during a test, and
allows 25 aliases, so that a document can ask for more than the 20.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from graphql.language import parse

from schema.mutation_limits import mutation_cost
from tests.adapters.api_ports.redis_server import delete_prefixed
from tests.api.graphql_client import Session, register
from tests.api.live_support import eventually
from tests.api.rate_limit_support import assert_refused, peer
from tests.api.server import REDIS_URL, RunningApi, fresh_database, running_api, test_settings

# Fixtures: imported under their own names, so that pytest finds them in this module.
from tests.api.ws_client import graphql_ws

pytestmark = pytest.mark.usefixtures("no_server_errors")

BURST = 20
LIMITS = {
    "mutation_rate_limit_per_minute": 1,
    "mutation_rate_limit_burst": BURST,
    "max_aliases": BURST + 5,  # so that one document can ask for more than the burst
}
CREATE = "{alias}: createWorkoutPlan(input: {{name: {name}}}) {{ plan {{ id }} userErrors {{ code }} }}"
LOGOUT = '{alias}: logout(input: {{refreshToken: "not-a-refresh-token"}}) {{ ended }}'
RETIRE = (
    '{alias}: retireExercise(input: {{exerciseId: "Test_Plank", reason: "Old", expectedVersion: 1}})'
    " {{ userErrors {{ code }} }}"
)
PLAN_NAMES = "query { workoutPlans(first: 100) { edges { node { name } } } }"


@pytest.fixture(scope="module")
async def limited() -> AsyncIterator[RunningApi]:
    async with fresh_database() as url, running_api(test_settings(url, **LIMITS)) as api:
        try:
            yield api
        finally:
            await delete_prefixed(REDIS_URL, api.api.settings.redis_key_prefix)


@pytest.fixture(scope="module")
async def without_redis(limited: RunningApi) -> AsyncIterator[RunningApi]:
    """A server on the same database with no Redis: the buckets are in its process."""
    settings = limited.api.settings.model_copy(update={"redis_url": None, "mutation_rate_limit_burst": 3})
    async with running_api(settings) as api:
        yield api


def creations(names: list[str]) -> str:
    fields = " ".join(CREATE.format(alias=f"p{i}", name=f'"{name}"') for i, name in enumerate(names))
    return f"mutation {{ {fields} }}"


def logouts(count: int) -> str:
    return "mutation { " + " ".join(LOGOUT.format(alias=f"l{i}") for i in range(count)) + " }"


async def send(http: httpx.AsyncClient, query: str, token: str | None = None) -> dict[str, Any]:
    headers = {"authorization": f"Bearer {token}"} if token else {}
    response = await http.post("/graphql", json={"query": query}, headers=headers)
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


def ran(body: dict[str, Any], fields: int) -> bool:
    assert "errors" not in body, body["errors"]
    assert len(body["data"]) == fields
    return all(not (payload or {}).get("userErrors") for payload in body["data"].values())


async def signed_up(api: RunningApi, name: str) -> Session:
    async with peer(api) as elsewhere:
        return await register(elsewhere, name)


async def test_a_document_of_fifteen_aliased_mutations_costs_fifteen_and_a_refused_one_runs_nothing(limited):
    ada = await signed_up(limited, "Ada")
    async with peer(limited) as http:
        assert ran(await send(http, creations([f"Kept {i}" for i in range(15)]), ada.access_token), 15)

        refused = await send(http, creations([f"Refused {i}" for i in range(15)]), ada.access_token)
        assert_refused(refused, within=15 * 60)  # ten tokens short, at one a minute
        assert refused["errors"][0]["extensions"]["retryAfterSeconds"] > 9 * 60

        assert ran(await send(http, creations([f"Later {i}" for i in range(5)]), ada.access_token), 5)
        assert_refused(await send(http, creations(["One too many"]), ada.access_token), within=60)

        async def names() -> set[str]:
            body = await send(http, PLAN_NAMES, ada.access_token)
            return {edge["node"]["name"] for edge in body["data"]["workoutPlans"]["edges"]}

        seen = await eventually(names, lambda found: {f"Later {i}" for i in range(5)} <= found)
        assert seen == {f"Kept {i}" for i in range(15)} | {f"Later {i}" for i in range(5)}


async def test_each_user_has_a_bucket_of_their_own_and_queries_cost_nothing(limited):
    ada, bob = await signed_up(limited, "Ada"), await signed_up(limited, "Bob")
    async with peer(limited) as shared_address:
        assert ran(await send(shared_address, logouts(BURST), ada.access_token), BURST)
        assert_refused(await send(shared_address, logouts(1), ada.access_token), within=60)

        assert ran(await send(shared_address, logouts(3), bob.access_token), 3)
        for _ in range(5):
            me = await send(shared_address, "{ me { displayName } }", ada.access_token)
            assert me == {"data": {"me": {"displayName": "Ada"}}}


async def test_library_mutations_cost_a_token_each_even_when_forbidden(limited):
    ada = await signed_up(limited, "Ada")
    async with peer(limited) as http:
        retirements = " ".join(RETIRE.format(alias=f"r{i}") for i in range(BURST))
        forbidden = await send(http, f"mutation {{ {retirements} }}", ada.access_token)
        # The first refusal ends the document (its payload is non-null), yet all twenty were paid for.
        assert forbidden["data"] is None
        assert [error["extensions"]["code"] for error in forbidden["errors"]] == ["FORBIDDEN"]
        assert_refused(
            await send(http, f"mutation {{ {RETIRE.format(alias='r')} }}", ada.access_token), within=60
        )


async def test_signed_out_mutations_are_limited_per_client_ip(limited):
    ada = await signed_up(limited, "Ada")
    async with peer(limited) as http, peer(limited) as neighbour:
        for _ in range(BURST // 5):
            assert ran(await send(http, logouts(5)), 5)
        assert_refused(await send(http, logouts(1)), within=60)

        assert ran(await send(neighbour, logouts(1)), 1)  # another address has its own bucket
        assert ran(await send(http, logouts(1), ada.access_token), 1)  # a signed-in user, their own


async def test_a_document_with_more_mutations_than_the_burst_could_ever_pay_is_bad_user_input(limited):
    ada = await signed_up(limited, "Ada")
    async with peer(limited) as http:
        body = await send(http, logouts(BURST + 1), ada.access_token)

        assert body.get("data") is None, body
        assert [error["extensions"]["code"] for error in body["errors"]] == ["BAD_USER_INPUT"]
        assert ran(await send(http, logouts(BURST), ada.access_token), BURST), "the refusal cost nothing"


async def test_mutations_over_a_websocket_draw_on_the_same_bucket(limited):
    ada = await signed_up(limited, "Ada")
    async with peer(limited) as http:
        assert ran(await send(http, logouts(BURST - 2), ada.access_token), BURST - 2)
    async with graphql_ws(limited.ws_url, {"authorization": f"Bearer {ada.access_token}"}) as socket:
        allowed = await socket.subscribe(logouts(2))
        assert len(await socket.next_data(allowed)) == 2
        refused = await socket.subscribe(logouts(1))
        message = await socket.receive()
        while message.get("id") != refused:
            message = await socket.receive()
        assert message["type"] == "next", message
        [error] = message["payload"]["errors"]
        assert error["extensions"]["code"] == "RATE_LIMITED", error
        assert error["extensions"]["retryAfterSeconds"] > 0


async def test_without_redis_the_buckets_are_kept_in_process(without_redis):
    ada = await signed_up(without_redis, "Ada")
    async with peer(without_redis) as http:
        assert ran(await send(http, logouts(3), ada.access_token), 3)
        assert_refused(await send(http, logouts(1), ada.access_token), within=60)


@pytest.mark.parametrize(
    ("document", "variables", "cost"),
    [
        ("mutation { a: logout { ended } b: logout { ended } }", None, 2),
        ("mutation { logout { ended } logout { ended } }", None, 1),  # one field, merged
        ("mutation { __typename }", None, 0),
        ("query { me { id } }", None, 0),
        ("mutation { ...F a: logout { ended } } fragment F on Mutation { b: logout { ended } }", None, 2),
        ("mutation { ... on Mutation { a: logout { ended } } b: logout { ended } }", None, 2),
        ("mutation { a: logout @skip(if: true) { ended } b: logout @include(if: false) { ended } }", None, 0),
        ("mutation($s: Boolean!) { a: logout @skip(if: $s) { ended } }", {"s": True}, 0),
        ("mutation($s: Boolean = true) { a: logout @skip(if: $s) { ended } }", None, 0),
        ("mutation($s: Boolean = true) { a: logout @skip(if: $s) { ended } }", {"s": False}, 1),
        (
            "mutation { defineExercise(input: $d) { __typename } reviseExercise(input: $r) { __typename }"
            " retireExercise(input: $t) { __typename } }",
            None,
            3,
        ),
    ],
    ids=[
        "aliases",
        "the same field twice",
        "typename",
        "query",
        "fragment",
        "inline fragment",
        "skip and include",
        "skip by variable",
        "skip by default",
        "default overridden",
        "library mutations",
    ],
)
def test_a_mutation_costs_one_per_root_field_it_runs(document, variables, cost):
    assert mutation_cost(parse(document), None, variables) == cost
