"""One client for both WebSocket protocols the API speaks (graphql-transport-ws and the legacy
graphql-ws), for the tests of what a socket may do: send one operation and read its first result, or
watch a subscription, and see how and when the server closes the connection.
"""

from __future__ import annotations

import asyncio
import json
from collections import defaultdict, deque
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from websockets.asyncio.client import ClientConnection, connect
from websockets.exceptions import ConnectionClosed

from tests.api.live_support import assert_no_internal_errors

TRANSPORT = "graphql-transport-ws"
LEGACY = "graphql-ws"
PROTOCOLS = (TRANSPORT, LEGACY)


class SocketClient:
    def __init__(self, socket: ClientConnection, protocol: str) -> None:
        self.socket = socket
        self.protocol = protocol
        self._next_id = 0
        self._pending: dict[str, deque[dict[str, Any]]] = defaultdict(deque)
        """Messages of other operations, read while waiting for one's."""

    async def send(self, message: dict[str, Any]) -> None:
        await self.socket.send(json.dumps(message))

    async def receive(self, timeout: float = 10.0) -> dict[str, Any]:  # noqa: ASYNC109
        """The next message that is not a keep-alive; raises ConnectionClosed once the server closed."""
        while True:
            message: dict[str, Any] = json.loads(await asyncio.wait_for(self.socket.recv(), timeout))
            assert_no_internal_errors(message)
            if message.get("type") == "ping":
                await self.send({"type": "pong"})
            elif message.get("type") not in ("pong", "ka"):
                return message

    async def init(self, params: dict[str, Any]) -> dict[str, Any]:
        """Send `connection_init`; the server's answer (ack or connection_error). Raises ConnectionClosed
        when the server closes instead (graphql-transport-ws refuses by closing)."""
        await self.send({"type": "connection_init", "payload": params})
        return await self.receive()

    async def start(self, query: str, variables: dict[str, Any] | None = None) -> str:
        self._next_id += 1
        operation_id = str(self._next_id)
        payload = {"query": query, "variables": variables or {}}
        kind = "subscribe" if self.protocol == TRANSPORT else "start"
        await self.send({"id": operation_id, "type": kind, "payload": payload})
        return operation_id

    async def stop(self, operation_id: str) -> None:
        await self.send({"id": operation_id, "type": "complete" if self.protocol == TRANSPORT else "stop"})

    async def result(self, operation_id: str, timeout: float = 10.0) -> dict[str, Any]:  # noqa: ASYNC109
        """The next result of the operation as `{"data", "errors"}`; an `error` message (refused before
        execution) comes back as `{"data": None, "errors": [...]}`."""
        while True:
            if self._pending[operation_id]:
                message = self._pending[operation_id].popleft()
            else:
                message = await self.receive(timeout)
                if message.get("id") != operation_id:
                    self._pending[str(message.get("id"))].append(message)
                    continue
            if message["type"] in ("next", "data"):
                payload: dict[str, Any] = message["payload"]
                return payload
            if message["type"] == "error":
                errors = message["payload"]
                return {"data": None, "errors": errors if isinstance(errors, list) else [errors]}
            raise AssertionError(f"expected a result for {operation_id}, got {message}")

    async def request(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        """One query or mutation: its result. Raises ConnectionClosed if the server closes first."""
        return await self.result(await self.start(query, variables))

    async def request_or_closed(
        self, query: str, variables: dict[str, Any] | None = None
    ) -> dict[str, Any] | None:
        """The operation's result, or None when the server closed the connection before answering."""
        try:
            return await self.request(query, variables)
        except ConnectionClosed:
            return None

    async def first_push_or_closed(self, query: str, variables: dict[str, Any]) -> dict[str, Any] | None:
        """A subscription's first result, after which it is stopped; None when the server closed the
        connection before answering."""
        try:
            operation_id = await self.start(query, variables)
            first = await self.result(operation_id)
            await self.stop(operation_id)
        except ConnectionClosed:
            return None
        return first

    async def closed_with(self, timeout: float = 10.0) -> int | None:  # noqa: ASYNC109
        """The close code the server ends the connection with, waiting at most `timeout` seconds.
        Operation results sent before the close are skipped, but none of them may carry data."""
        try:
            async with asyncio.timeout(timeout):
                while True:
                    message = await self.receive(timeout)
                    payload = message.get("payload")
                    assert not (isinstance(payload, dict) and payload.get("data")), message
        except ConnectionClosed as closed:
            return closed.rcvd.code if closed.rcvd else None


@asynccontextmanager
async def socket_client(
    url: str, protocol: str, params: dict[str, Any] | None = None
) -> AsyncIterator[SocketClient]:
    """A connection over `protocol`, initialised with `params` and acknowledged (unless params is None:
    then the test sends `connection_init` itself)."""
    async with connect(url, subprotocols=[protocol], max_queue=None) as socket:  # type: ignore[list-item]
        # max_queue=None: a test that stops reading a fast subscription still sees the server's close
        # frame when it hangs up, rather than waiting out the close timeout behind its full queue.
        assert socket.subprotocol == protocol
        client = SocketClient(socket, protocol)
        if params is not None:
            ack = await client.init(params)
            assert ack["type"] == "connection_ack", ack
        yield client
