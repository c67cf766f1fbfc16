"""Live plan updates over WebSocket: who may connect, how many subscriptions a connection holds, the
legacy `graphql-ws` protocol, and fan-out across replicas sharing PostgreSQL and Redis."""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict, deque
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.api.graphql_client import CREATE_PLAN, Session, create_plan, register
from tests.api.live_support import (
    assert_no_internal_errors,
    codes,
    server_errors_fail_the_test,
    token_like,
)
from tests.api.server import RunningApi, fresh_database, running_api, test_settings
from tests.api.ws_client import PROTOCOL, Subscriptions, graphql_ws

LEGACY_PROTOCOL = "graphql-ws"
WATCH = "subscription($planId: ID!) { workoutPlanChanged(planId: $planId) { id version name } }"
RENAME = """mutation($input: RenameWorkoutPlanInput!) {
  renameWorkoutPlan(input: $input) { plan { version } userErrors { code } }
}"""
FORBIDDEN_CLOSE = 4403


@pytest.fixture(autouse=True)
def no_server_errors() -> Iterator[None]:
    with server_errors_fail_the_test():
        yield


def bearer(session: Session) -> dict[str, str]:
    return {"authorization": f"Bearer {session.access_token}"}


async def rename(session: Session, plan_id: str, name: str) -> int:
    payload = (await session.data(RENAME, {"input": {"planId": plan_id, "name": name}}))["renameWorkoutPlan"]
    assert payload["userErrors"] == []
    version: int = payload["plan"]["version"]
    return version


class Inbox:
    """Messages of a graphql-transport-ws connection sorted by operation id, none dropped."""

    def __init__(self, live: Subscriptions) -> None:
        self.live = live
        self.pending: dict[str | None, deque[dict[str, Any]]] = defaultdict(deque)

    async def next(self, operation_id: str | None, timeout: float = 10.0) -> dict[str, Any]:  # noqa: ASYNC109
        async with asyncio.timeout(timeout):
            while not self.pending[operation_id]:
                message = await self.live.receive(timeout)
                assert_no_internal_errors(message)
                self.pending[message.get("id")].append(message)
        return self.pending[operation_id].popleft()

    async def plan_at(self, operation_id: str, version: int) -> dict[str, Any]:
        """The first pushed plan at `version` or later; fails on anything but `next` messages."""
        while True:
            message = await self.next(operation_id)
            assert message["type"] == "next", message
            assert "errors" not in message["payload"], message
            plan: dict[str, Any] = message["payload"]["data"]["workoutPlanChanged"]
            if plan["version"] >= version:
                return plan


async def closed_with(socket: ClientConnection, timeout: float = 5.0) -> int | None:  # noqa: ASYNC109
    """The close code the server ends the connection with; fails if it sends anything else first."""
    try:
        message = await asyncio.wait_for(socket.recv(), timeout)
    except ConnectionClosed as closed:
        return closed.rcvd.code if closed.rcvd else None
    raise AssertionError(f"expected the server to close the connection, got {message!r}")


@pytest.fixture(scope="module")
async def ada(served: RunningApi) -> AsyncIterator[Session]:
    async with served.client() as http:
        yield await register(http, "Ada")


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

            # The connection and the subscriptions it holds carry on.
            version = await rename(ada, plans[0]["id"], "Still watched")
            assert (await inbox.plan_at(held[0], version))["name"] == "Still watched"

            # Ending one frees its place.
            await live.send({"id": held[1], "type": "complete"})
            again = await live.subscribe(WATCH, {"planId": plans[CAP]["id"]})
            assert (await inbox.plan_at(again, 1))["id"] == plans[CAP]["id"]


# --- the legacy graphql-ws protocol --------------------------------------------------------------------


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


# --- fan-out across replicas ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
async def replica(served: RunningApi) -> AsyncIterator[RunningApi]:
    """A second API server on the same database and Redis prefix as `served` (its projector stands by)."""
    async with running_api(served.api.settings) as second:
        yield second


@pytest.mark.parametrize("direction", ["watch on the first, write through the second", "the other way"])
async def test_given_two_replicas_when_a_plan_changes_through_one_then_a_subscriber_on_the_other_sees_it(
    served, replica, direction
):
    watched, written = (served, replica) if direction.startswith("watch on the first") else (replica, served)
    assert watched.api.settings.redis_key_prefix == written.api.settings.redis_key_prefix
    async with written.client() as http:
        ada = await register(http, "Ada")
        plan = (await ada.data(CREATE_PLAN, {"input": {"name": "Replicated"}}))["createWorkoutPlan"]["plan"]
        async with graphql_ws(watched.ws_url, bearer(ada)) as live:
            inbox = Inbox(live)
            watching = await live.subscribe(WATCH, {"planId": plan["id"]})
            for step in range(1, 4):
                version = await rename(ada, plan["id"], f"Replicated {step}")
                assert (await inbox.plan_at(watching, version))["name"] == f"Replicated {step}"
