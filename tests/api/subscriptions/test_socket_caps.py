"""Bounds on WebSockets per replica, over both protocols: a user over their socket cap is closed with
4429, a full server closes new sockets with 1013 (try again later), and a user over their
subscription cap (all their sockets together) gets a RATE_LIMITED error for the extra one.

Here a user may hold 2 sockets and 3 subscriptions, and the server 4 sockets.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import AsyncExitStack
from typing import Any

import pytest
from websockets.asyncio.client import connect
from websockets.exceptions import ConnectionClosed

from tests.api.graphql_client import create_plan, register
from tests.api.live_support import call, codes, eventually
from tests.api.server import RunningApi, fresh_database, running_api, test_settings
from tests.api.socket_clients import LEGACY, PROTOCOLS, SocketClient, socket_client
from tests.api.subscriptions.subscription_support import WATCH, bearer

# Fixtures: imported under their own names, so that pytest finds them in this module.

PLAN = "query($id: ID!) { workoutPlan(id: $id) { id } }"
CAPS = {"max_ws_per_user": 2, "max_ws_subscriptions_per_user": 3, "max_ws_connections": 4}


@pytest.fixture(scope="module")
async def database() -> AsyncIterator[str]:
    async with fresh_database() as url:
        yield url


@pytest.fixture
async def capped(database: str) -> AsyncIterator[RunningApi]:
    """A server of its own for each test, so that no socket of another test counts."""
    async with running_api(test_settings(database, **CAPS)) as running:
        yield running


async def refusal_of(url: str, protocol: str, params: dict[str, str] | None) -> tuple[int | None, str | None]:
    """How the server ends a new connection: its close code, and the code of the `connection_error` the
    legacy protocol sends first (None if none)."""
    async with connect(url, subprotocols=[protocol]) as socket:  # type: ignore[list-item]
        client = SocketClient(socket, protocol)
        error_code = None
        try:
            if params is not None:
                answer = await client.init(params)
                assert answer["type"] == "connection_error", answer
                error_code = answer["payload"]["extensions"]["code"]
            await client.receive()
        except ConnectionClosed as closed:
            return (closed.rcvd.code if closed.rcvd else None), error_code
        raise AssertionError("the server did not close the connection")


async def accepted(url: str, protocol: str, params: dict[str, str]) -> bool:
    try:
        async with socket_client(url, protocol, params):
            return True
    except ConnectionClosed:
        return False


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_given_a_user_with_two_sockets_when_they_open_a_third_then_it_is_closed_with_4429(
    capped, protocol
):
    async with capped.client() as http:
        ada, bob = await register(http, "Ada"), await register(http, "Bob")
    async with AsyncExitStack() as sockets:
        for _ in range(2):
            await sockets.enter_async_context(socket_client(capped.ws_url, protocol, bearer(ada)))

        code, error = await refusal_of(capped.ws_url, protocol, bearer(ada))
        assert code == 4429
        assert error == ("RATE_LIMITED" if protocol == LEGACY else None)
        assert await accepted(capped.ws_url, protocol, bearer(bob))  # the cap is per user
    # Once her sockets are closed, she may connect again.
    assert await eventually(lambda: accepted(capped.ws_url, protocol, bearer(ada)), bool)


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_given_a_full_server_when_another_socket_connects_then_it_is_closed_with_1013(capped, protocol):
    async with AsyncExitStack() as sockets:
        for _ in range(4):  # not even signed in: they count from the handshake on
            await sockets.enter_async_context(connect(capped.ws_url, subprotocols=[protocol]))

        assert await refusal_of(capped.ws_url, protocol, None) == (1013, None)
    async with capped.client() as http:
        ada = await register(http, "Ada")
    assert await eventually(lambda: accepted(capped.ws_url, protocol, bearer(ada)), bool)


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_given_a_user_with_three_subscriptions_over_two_sockets_then_a_fourth_is_rate_limited(
    capped, protocol
):
    async with capped.client() as http:
        ada = await register(http, "Ada")
        plan = await create_plan(ada, "Watched")
        await eventually(  # in the read model, so that each subscription pushes it at once
            lambda: call(http, PLAN, {"id": plan["id"]}, token=ada.access_token), lambda body: not codes(body)
        )
    variables = {"planId": plan["id"]}
    async with (
        socket_client(capped.ws_url, protocol, bearer(ada)) as first,
        socket_client(capped.ws_url, protocol, bearer(ada)) as second,
    ):
        running = [await first.start(WATCH, variables), await first.start(WATCH, variables)]
        for operation_id in running:
            assert not (await first.result(operation_id)).get("errors")
        assert not (await second.result(await second.start(WATCH, variables))).get("errors")

        refused = await second.result(await second.start(WATCH, variables))
        assert refused["data"] is None
        assert codes(refused) == ["RATE_LIMITED"], refused

        async def subscribe() -> dict[str, Any]:
            return await second.result(await second.start(WATCH, variables))

        await first.stop(running[0])  # frees one of her three
        answer = await eventually(subscribe, lambda result: not result.get("errors"))
        assert answer["data"]["workoutPlanChanged"]["id"] == plan["id"]


async def test_given_sockets_that_never_send_connection_init_then_both_protocols_close_them_with_4408(capped):
    """Else an idle handshake would hold its place on the replica for good (the legacy protocol has no
    deadline of its own in Strawberry)."""
    async with AsyncExitStack() as sockets:
        idle = [
            SocketClient(await sockets.enter_async_context(connect(capped.ws_url, subprotocols=[p])), p)  # type: ignore[list-item]
            for p in PROTOCOLS
        ]
        assert await asyncio.gather(*(socket.closed_with(timeout=15) for socket in idle)) == [4408, 4408]
