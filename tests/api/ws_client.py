"""A graphql-transport-ws client on the `websockets` library, for subscription tests."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from websockets.asyncio.client import ClientConnection, connect

PROTOCOL = "graphql-transport-ws"


class Subscriptions:
    def __init__(self, socket: ClientConnection) -> None:
        self.socket = socket
        self._next_id = 0

    async def send(self, message: dict[str, Any]) -> None:
        await self.socket.send(json.dumps(message))

    async def receive(self, timeout: float = 5.0) -> dict[str, Any]:  # noqa: ASYNC109
        while True:
            message: dict[str, Any] = json.loads(await asyncio.wait_for(self.socket.recv(), timeout))
            if message.get("type") == "ping":
                await self.send({"type": "pong"})
                continue
            return message

    async def subscribe(self, query: str, variables: dict[str, Any] | None = None) -> str:
        self._next_id += 1
        operation_id = str(self._next_id)
        payload = {"query": query, "variables": variables or {}}
        await self.send({"id": operation_id, "type": "subscribe", "payload": payload})
        return operation_id

    async def next_data(self, operation_id: str, timeout: float = 5.0) -> dict[str, Any]:  # noqa: ASYNC109
        """The next `next` message's data for `operation_id`; fails on an error or completion."""
        while True:
            message = await self.receive(timeout)
            if message.get("id") != operation_id:
                continue
            assert message["type"] == "next", message
            assert not message["payload"].get("errors"), message["payload"]["errors"]
            data: dict[str, Any] = message["payload"]["data"]
            return data


@asynccontextmanager
async def graphql_ws(
    url: str, connection_params: dict[str, Any] | None = None, *, expect_ack: bool = True
) -> AsyncIterator[Subscriptions]:
    async with connect(url, subprotocols=[PROTOCOL]) as socket:  # type: ignore[list-item]
        subscriptions = Subscriptions(socket)
        await subscriptions.send({"type": "connection_init", "payload": connection_params or {}})
        if expect_ack:
            ack = await subscriptions.receive()
            assert ack["type"] == "connection_ack", ack
        yield subscriptions
