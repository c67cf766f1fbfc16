"""Support for the subscription tests: how a test reads pushed plans and the close of a connection (the
fixtures are in conftest.py)."""

from __future__ import annotations

import asyncio
from collections import defaultdict, deque
from typing import Any

from websockets.asyncio.client import ClientConnection
from websockets.exceptions import ConnectionClosed

from tests.api.graphql_client import Session
from tests.api.live_support import assert_no_internal_errors
from tests.api.ws_client import Subscriptions

WATCH = "subscription($planId: ID!) { workoutPlanChanged(planId: $planId) { id version name } }"
RENAME = """mutation($input: RenameWorkoutPlanInput!) {
  renameWorkoutPlan(input: $input) { plan { version } userErrors { code } }
}"""


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
