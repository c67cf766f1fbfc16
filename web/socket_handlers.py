"""Strawberry's two WebSocket protocol handlers, fitted to fitcoach (`SocketConnection` holds the rules):

- a socket takes its place on the replica first (closed with 1013 when it is full) and gives it back
  when it ends; a user over their socket cap is closed with 4429 at `connection_init`;
- each operation runs with a context of its own (fresh loaders, the viewer checked as it starts) rather
  than the one context Strawberry keeps per connection, and counts against the user's operation cap
  (a RATE_LIMITED error past it; the per-connection limit answers with that code too);
- once an operation has found the session ended, the socket is closed (4403) after it has answered,
  and nothing more is sent on a socket the server has closed;
- a client that hangs up while a push is on its way ends that operation quietly: an ordinary
  disconnect, not a server error.

`run_operation` and `handle_async_results` follow Strawberry 0.341's, changed only where marked.
"""

from __future__ import annotations

import asyncio
from contextlib import suppress
from typing import Any

from graphql.error import GraphQLError
from strawberry.http.exceptions import WebSocketDisconnected
from strawberry.subscriptions.protocols.graphql_transport_ws.handlers import (
    BaseGraphQLTransportWSHandler,
    Operation,
    _OperationStreamClosed,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    CompleteMessage as TransportComplete,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    ConnectionInitMessage as TransportInit,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import (
    Message as TransportMessage,
)
from strawberry.subscriptions.protocols.graphql_transport_ws.types import SubscribeMessage
from strawberry.subscriptions.protocols.graphql_ws.handlers import BaseGraphQLWSHandler
from strawberry.subscriptions.protocols.graphql_ws.types import (
    CompleteMessage,
    ConnectionInitMessage,
    ErrorMessage,
    OperationMessage,
    StartMessage,
)
from strawberry.types.execution import PreExecutionError
from strawberry.utils.aio import aclosing

from schema.context import Context
from web.authentication import UNAVAILABLE
from web.socket_connection import SERVER_FULL, SocketConnection, SocketRefused

FULL = "the server is at its connection limit; try again later"
INIT_TIMEOUT = 4408


def connection_of(context: Context) -> SocketConnection:
    """The connection of a WebSocket's own context (`FitcoachGraphQL.get_context` puts it there)."""
    if not isinstance(context.session, SocketConnection):
        raise TypeError("not the context of a WebSocket connection")
    return context.session


def too_many_operations(limit: int, scope: str) -> GraphQLError:
    message = f"operation limit reached: at most {limit} at once {scope}; complete one first"
    return GraphQLError(message, extensions={"code": "RATE_LIMITED"})


def check_unavailable() -> GraphQLError:
    message = "the sign-in check is temporarily unavailable; try again"
    return GraphQLError(message, extensions={"code": "INTERNAL_SERVER_ERROR"})


class TransportHandler(BaseGraphQLTransportWSHandler[Context, None]):
    """graphql-transport-ws: queries, mutations and subscriptions."""

    @property
    def connection(self) -> SocketConnection:
        return connection_of(self.context)

    async def handle(self) -> None:
        if not self.connection.open():
            await self.connection.close(SERVER_FULL, FULL)
            return
        try:
            await super().handle()
        finally:
            await self.connection.release()

    async def handle_connection_init(self, message: TransportInit) -> None:
        try:
            await super().handle_connection_init(message)
        except SocketRefused as refused:
            await self.connection.close(refused.close_code, refused.message)

    async def handle_subscribe(self, message: SubscribeMessage) -> None:
        limit = self.max_subscriptions_per_connection
        if (
            self.connection_acknowledged
            and limit is not None
            and message["id"] not in self.operations
            and len(self.operations) >= limit
        ):
            error = too_many_operations(limit, "on one connection")
            await self.send_message({"id": message["id"], "type": "error", "payload": [error.formatted]})
            return
        await super().handle_subscribe(message)

    async def send_message(self, message: TransportMessage) -> None:
        if not self.connection.closing:
            await super().send_message(message)

    async def run_operation(self, operation: Operation[Context, None]) -> None:
        connection = self.connection
        if not connection.start_operation():  # fitcoach
            error = too_many_operations(connection.limits.max_operations_per_user, "per user")
            await operation.send_initial_errors([error])
            return
        try:
            try:  # fitcoach: a context of the operation's own
                context = await connection.operation_context()
            except UNAVAILABLE:
                await operation.send_initial_errors([check_unavailable()])
                return
            result_source = await self.schema.stream(
                operation.query,
                variable_values=operation.variables,
                context_value=context,
                root_value=self.root_value,
                operation_name=operation.operation_name,
            )
            async with aclosing(result_source):
                await self._send_result_stream(operation, result_source)
            await operation.send_operation_message(TransportComplete(id=operation.id, type="complete"))
        except _OperationStreamClosed:
            return
        except WebSocketDisconnected:  # fitcoach: the client hung up while a push was on its way
            self.operations.pop(operation.id, None)
        except Exception as error:
            await self.handle_task_exception(error)
            with suppress(Exception):
                await operation.send_operation_message({"id": operation.id, "type": "complete"})
            self.operations.pop(operation.id, None)
            raise
        finally:  # fitcoach
            connection.end_operation()
            await connection.close_if_ended()


class LegacyHandler(BaseGraphQLWSHandler[Context, None]):
    """The legacy graphql-ws (subscriptions-transport-ws): subscriptions only. Strawberry gives it no
    `connection_init` deadline; this one closes a socket that has not signed in within the same time
    as graphql-transport-ws (4408)."""

    @property
    def connection(self) -> SocketConnection:
        return connection_of(self.context)

    async def handle(self) -> None:
        if not self.connection.open():
            await self.connection.close(SERVER_FULL, FULL)
            return
        deadline = asyncio.create_task(self._close_unless_acknowledged())
        try:
            await super().handle()
        finally:
            deadline.cancel()
            with suppress(asyncio.CancelledError):
                await deadline
            await self.connection.release()

    async def _close_unless_acknowledged(self) -> None:
        await asyncio.sleep(self.view.connection_init_wait_timeout.total_seconds())
        if not self.connection_acknowledged:
            await self.connection.close(INIT_TIMEOUT, "Connection initialisation timeout")

    async def handle_connection_init(self, message: ConnectionInitMessage) -> None:
        try:
            await super().handle_connection_init(message)
        except SocketRefused as refused:
            await self.send_message({"type": "connection_error", "payload": refused.payload})
            await self.connection.close(refused.close_code, refused.message)

    async def handle_start(self, message: StartMessage) -> None:
        limit = self.max_subscriptions_per_connection
        if (
            self.connection_acknowledged
            and limit is not None
            and message["id"] not in self.tasks
            and len(self.tasks) >= limit
        ):
            error = too_many_operations(limit, "on one connection")
            await self.send_message(ErrorMessage(type="error", id=message["id"], payload=error.formatted))
            return
        await super().handle_start(message)

    async def send_message(self, message: OperationMessage) -> None:
        if not self.connection.closing:
            await super().send_message(message)

    async def handle_async_results(
        self, operation_id: str, query: str, operation_name: str | None, variables: dict[str, object] | None
    ) -> None:
        connection = self.connection
        if not connection.start_operation():  # fitcoach
            error = too_many_operations(connection.limits.max_operations_per_user, "per user")
            await self.send_message(ErrorMessage(type="error", id=operation_id, payload=error.formatted))
            self.tasks.pop(operation_id, None)
            return
        try:
            try:  # fitcoach: a context of the operation's own
                context = await connection.operation_context()
            except UNAVAILABLE:
                payload: Any = check_unavailable().formatted
                await self.send_message(ErrorMessage(type="error", id=operation_id, payload=payload))
                return
            result_source = await self.schema.subscribe(
                query=query,
                variable_values=variables,
                operation_name=operation_name,
                context_value=context,
                root_value=self.root_value,
            )
            self.subscriptions[operation_id] = result_source
            is_first_result = True
            async for result in result_source:
                if is_first_result and isinstance(result, PreExecutionError):
                    assert result.errors
                    error_payload: Any = result.errors[0].formatted
                    await self.send_message(
                        ErrorMessage(type="error", id=operation_id, payload=error_payload)
                    )
                    return
                await self.send_data_message(result, operation_id)
                is_first_result = False
            await self.send_message(CompleteMessage(type="complete", id=operation_id))
        except asyncio.CancelledError:
            await self.send_message(CompleteMessage(type="complete", id=operation_id))
        except WebSocketDisconnected:  # fitcoach: the client hung up while a push was on its way
            pass
        finally:
            self.subscriptions.pop(operation_id, None)
            self.tasks.pop(operation_id, None)
            connection.end_operation()  # fitcoach
            await connection.close_if_ended()
