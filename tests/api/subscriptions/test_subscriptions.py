"""Live plan updates over WebSocket: who may connect (a usable token, and `connection_init` before
anything else), and how many subscriptions a connection holds."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from websockets.asyncio.client import connect

from tests.api.graphql_client import create_plan, register
from tests.api.live_support import token_like
from tests.api.server import RunningApi, fresh_database, running_api, test_settings
from tests.api.subscriptions.subscription_support import WATCH, Inbox, bearer, closed_with, rename

# Fixtures: imported under their own names, so that pytest finds them in this module.
from tests.api.ws_client import PROTOCOL, graphql_ws

FORBIDDEN_CLOSE = 4403


# --- connection_init ---------------------------------------------------------------------------------

PAST = datetime.now(UTC) - timedelta(hours=2)


@pytest.mark.parametrize(
    "params",
    [
        lambda _: {},
        lambda _: {"authorization": None},
        lambda _: {"authorization": "garbage"},
        lambda _: {"authorization": "Bearer not.a.jwt"},
        lambda _: {"accessToken": "eyJhbGciOiJub25lIn0.e30."},
        lambda ada: {"authorization": f"Bearer {token_like(ada.access_token, issued=PAST)}"},
        lambda ada: {
            "accessToken": token_like(
                ada.access_token, issued=datetime.now(UTC), secret="another-secret-that-is-long-enough-0123"
            )
        },
    ],
    ids=["no token", "null token", "garbage", "not a jwt", "alg none", "expired", "signed by someone else"],
)
async def test_given_no_usable_token_when_a_connection_is_initialised_then_the_server_closes_it_with_4403(
    served, ada, params
):
    async with connect(served.ws_url, subprotocols=[PROTOCOL]) as socket:  # type: ignore[list-item]
        await socket.send(json.dumps({"type": "connection_init", "payload": params(ada)}))
        assert await closed_with(socket) == FORBIDDEN_CLOSE


async def test_given_a_fresh_token_made_the_same_way_as_the_expired_one_then_the_connection_is_acknowledged(
    served, ada
):
    fresh = token_like(ada.access_token, issued=datetime.now(UTC))
    async with graphql_ws(served.ws_url, {"accessToken": fresh}) as live:
        plan = await create_plan(ada, "Fresh token")
        watching = await live.subscribe(WATCH, {"planId": plan["id"]})
        assert (await Inbox(live).plan_at(watching, 1))["id"] == plan["id"]


async def test_given_a_subscribe_before_connection_init_then_the_server_closes_the_connection(served, ada):
    async with connect(served.ws_url, subprotocols=[PROTOCOL]) as socket:  # type: ignore[list-item]
        payload = {"query": WATCH, "variables": {"planId": "x"}}
        await socket.send(json.dumps({"id": "1", "type": "subscribe", "payload": payload}))
        assert await closed_with(socket) == 4401


# --- the per-connection cap ----------------------------------------------------------------------------

CAP = 2


@pytest.fixture(scope="module")
async def capped() -> AsyncIterator[RunningApi]:
    async with fresh_database() as url, running_api(test_settings(url, max_ws_subscriptions=CAP)) as running:
        yield running


async def test_given_a_connection_at_its_subscription_cap_when_it_subscribes_again_then_it_is_refused_cleanly(
    capped,
):
    async with capped.client() as http:
        ada = await register(http, "Ada")
        plans = [await create_plan(ada, f"Plan {n}") for n in range(CAP + 1)]
        async with graphql_ws(capped.ws_url, bearer(ada)) as live:
            inbox = Inbox(live)
            held = [await live.subscribe(WATCH, {"planId": plan["id"]}) for plan in plans[:CAP]]
            for operation_id in held:
                await inbox.plan_at(operation_id, 1)

            extra = await live.subscribe(WATCH, {"planId": plans[CAP]["id"]})
            refusal = await inbox.next(extra)
            assert refusal["type"] == "error", refusal
            assert "limit" in refusal["payload"][0]["message"].lower()
            assert refusal["payload"][0]["extensions"]["code"] == "RATE_LIMITED"

            # The connection and the subscriptions it holds carry on.
            version = await rename(ada, plans[0]["id"], "Still watched")
            assert (await inbox.plan_at(held[0], version))["name"] == "Still watched"

            # Ending one frees its place.
            await live.send({"id": held[1], "type": "complete"})
            again = await live.subscribe(WATCH, {"planId": plans[CAP]["id"]})
            assert (await inbox.plan_at(again, 1))["id"] == plans[CAP]["id"]
