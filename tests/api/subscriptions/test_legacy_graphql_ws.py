"""Live plan updates over the legacy `graphql-ws` protocol: an authorised client subscribes, gets data
and stops; a bad token is refused, and someone else's plan is NOT_FOUND."""

from __future__ import annotations

import asyncio
import json
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

from tests.api.graphql_client import create_plan, register
from tests.api.live_support import assert_no_internal_errors, codes
from tests.api.subscriptions.subscription_support import WATCH, bearer, closed_with, rename

# Fixtures: imported under their own names, so that pytest finds them in this module.

LEGACY_PROTOCOL = "graphql-ws"


class LegacyClient:
    """The subscriptions-transport-ws protocol: connection_init, start, data, stop, complete."""

    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket

    async def send(self, message: dict[str, Any]) -> None:
        await self.socket.send(json.dumps(message))

    async def receive(self, timeout: float = 10.0) -> dict[str, Any]:  # noqa: ASYNC109
        while True:
            message: dict[str, Any] = json.loads(await asyncio.wait_for(self.socket.recv(), timeout))
            assert_no_internal_errors(message)
            if message["type"] != "ka":
                return message


async def test_given_the_legacy_graphql_ws_protocol_when_an_authorised_client_subscribes_then_it_gets_data(
    served, ada
):
    plan = await create_plan(ada, "Legacy")
    async with connect(served.ws_url, subprotocols=[LEGACY_PROTOCOL]) as socket:  # type: ignore[list-item]
        assert socket.subprotocol == LEGACY_PROTOCOL
        legacy = LegacyClient(socket)
        await legacy.send({"type": "connection_init", "payload": bearer(ada)})
        assert await legacy.receive() == {"type": "connection_ack"}

        await legacy.send(
            {"id": "7", "type": "start", "payload": {"query": WATCH, "variables": {"planId": plan["id"]}}}
        )
        first = await legacy.receive()
        assert (first["type"], first["id"]) == ("data", "7")
        assert first["payload"]["data"]["workoutPlanChanged"]["id"] == plan["id"]

        version = await rename(ada, plan["id"], "Legacy, renamed")
        while True:
            update = await legacy.receive()
            assert (update["type"], update["id"]) == ("data", "7"), update
            if update["payload"]["data"]["workoutPlanChanged"]["version"] >= version:
                break
        assert update["payload"]["data"]["workoutPlanChanged"]["name"] == "Legacy, renamed"

        await legacy.send({"id": "7", "type": "stop"})
        assert await legacy.receive() == {"id": "7", "type": "complete"}


async def test_given_the_legacy_protocol_and_a_bad_token_then_the_connection_is_refused(served):
    async with connect(served.ws_url, subprotocols=[LEGACY_PROTOCOL]) as socket:  # type: ignore[list-item]
        legacy = LegacyClient(socket)
        await legacy.send({"type": "connection_init", "payload": {"authorization": "Bearer garbage"}})
        refusal = await legacy.receive()
        assert refusal["type"] == "connection_error", refusal
        assert await closed_with(socket) is not None


async def test_given_the_legacy_protocol_when_bob_subscribes_to_adas_plan_then_he_gets_not_found(served, ada):
    plan = await create_plan(ada, "Ada's, legacy")
    async with served.client() as http:
        bob = await register(http, "Bob")
    async with connect(served.ws_url, subprotocols=[LEGACY_PROTOCOL]) as socket:  # type: ignore[list-item]
        legacy = LegacyClient(socket)
        await legacy.send({"type": "connection_init", "payload": bearer(bob)})
        assert await legacy.receive() == {"type": "connection_ack"}
        await legacy.send(
            {"id": "1", "type": "start", "payload": {"query": WATCH, "variables": {"planId": plan["id"]}}}
        )
        refusal = await legacy.receive()
        assert (refusal["type"], refusal["payload"]["data"]) == ("data", None)
        assert codes(refusal["payload"]) == ["NOT_FOUND"]
        assert await legacy.receive() == {"id": "1", "type": "complete"}
