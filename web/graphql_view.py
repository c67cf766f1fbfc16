"""The Strawberry ASGI view, fitted to fitcoach: typed context, bearer auth, APQ and JSON request errors.

- HTTP: the `Authorization: Bearer` token is verified (signature, expiry, live session) per request.
- WebSocket: the token comes in `connection_init` (`connectionParams.authorization` or `accessToken`);
  a missing or bad one closes the socket with 4403 (graphql-transport-ws). Every operation on the
  socket is checked against the session as it is then, and the socket is closed (4403) once the
  session ends; sockets are capped per user and per replica (`web.socket_connection`,
  `web.socket_handlers`, `web.socket_limits`).
- Automatic persisted queries (Apollo's `extensions.persistedQuery`, sha256) are kept in the
  `PersistedQueries` store (Redis when configured), registered after the query ran
  (`PersistedQueryRegistrations`: only valid documents, a rate limit per address, a byte budget).
- Malformed requests get a JSON error with `extensions.code`, never a plain-text or HTML page.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

import orjson
import strawberry
from cross_web import HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from starlette.websockets import WebSocket
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.http.base import BaseRequestProtocol
from strawberry.types import ExecutionResult

from application.persisted_queries import PersistedQueryRegistrations
from schema.context import Context
from web.authentication import SignInCheckUnavailable, authenticate
from web.cached_reads import with_cached_reads
from web.requests import (
    PersistedQueryNotFound,
    PersistedQueryToRegister,
    check_body_is_an_object,
    failed_before_execution,
    ran,
    refuse_subscription_over_http,
    request_error,
    request_id,
    resolve_persisted_query,
    status_of,
    storable,
)
from web.response_limit import encoded_within
from web.services import WebConfig, WebServices
from web.socket_connection import SocketConnection
from web.socket_handlers import LegacyHandler, TransportHandler, connection_of
from web.socket_limits import SocketLimits

GRAPHQL_RESPONSE = "application/graphql-response+json"
CONNECTION_INIT_TIMEOUT = timedelta(seconds=10)
"""A WebSocket that has not sent `connection_init` by then is closed (4408), over either protocol."""
KEEP_ALIVE_SECONDS = 15.0
WANTS_GRAPHQL_RESPONSE = "x-fitcoach-graphql-response"


class FitcoachGraphQL(GraphQL[Context, None]):
    graphql_transport_ws_handler_class = TransportHandler
    graphql_ws_handler_class = LegacyHandler

    def __init__(self, schema: strawberry.Schema, services: WebServices, config: WebConfig) -> None:
        super().__init__(
            schema,
            graphql_ide="graphiql" if config.graphiql else None,
            max_subscriptions_per_connection=config.max_ws_subscriptions,
            connection_init_wait_timeout=CONNECTION_INIT_TIMEOUT,
            keep_alive=True,
            keep_alive_interval=KEEP_ALIVE_SECONDS,
            allowed_origins=config.cors_origins,
        )
        self.services = services
        self.config = config
        self.persisted_query_registrations = PersistedQueryRegistrations(
            services.persisted_queries, services.registrations, config.apq_registrations
        )
        self.socket_limits = SocketLimits(
            max_connections=config.max_ws_connections,
            max_per_user=config.max_ws_per_user,
            max_operations_per_user=config.max_ws_operations_per_user,
        )

    def encode_json(self, data: object) -> str:
        # A str, not bytes: the WebSocket handlers send bytes as binary frames, which clients refuse.
        return encoded_within(data, self.config.max_response_bytes).decode()

    def decode_json(self, data: str | bytes) -> object:
        return orjson.loads(data)  # orjson.JSONDecodeError is a json.JSONDecodeError: a 400 as before

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive=receive)
        try:
            response = await self.run(request)
        except HTTPException as error:
            status = status_of(error)
            code = {405: "METHOD_NOT_ALLOWED", 415: "UNSUPPORTED_MEDIA_TYPE"}.get(status, "BAD_REQUEST")
            response = request_error(status, error.reason, code)
            if error.status_code == 405:
                response.headers["Allow"] = "GET, POST"
        except PersistedQueryNotFound:
            response = request_error(200, "PersistedQueryNotFound", "PERSISTED_QUERY_NOT_FOUND")
        except SignInCheckUnavailable:
            message = "the sign-in check is temporarily unavailable; try again"
            response = request_error(503, message, "INTERNAL_SERVER_ERROR")
            response.headers["Retry-After"] = "1"
        await response(scope, receive, send)

    def should_render_graphql_ide(self, request: BaseRequestProtocol) -> bool:
        """A GET with only `extensions` names a persisted query: it is an operation, not a browser asking
        for the IDE, even with `Accept: */*` (Apollo Client's default)."""
        return "extensions" not in request.query_params and super().should_render_graphql_ide(request)

    async def get_sub_response(self, request: Request | WebSocket) -> Response:
        response = await super().get_sub_response(request)
        accept = request.headers.get("accept", "")
        # GraphQL over HTTP: a client that asks for application/graphql-response+json gets it, and with
        # it the status codes of the specification (4xx when the request failed before execution).
        response.headers[WANTS_GRAPHQL_RESPONSE] = "1" if GRAPHQL_RESPONSE in accept else "0"
        return response

    def create_response(
        self, response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse], sub_response: Response
    ) -> Response:
        wants_graphql_response = sub_response.headers.get(WANTS_GRAPHQL_RESPONSE) == "1"
        del sub_response.headers[WANTS_GRAPHQL_RESPONSE]
        request_failed = isinstance(response_data, dict) and failed_before_execution(response_data)
        if wants_graphql_response and request_failed and isinstance(response_data, dict):
            response_data = cast(GraphQLHTTPResponse, {k: v for k, v in response_data.items() if k != "data"})
        response = super().create_response(response_data, sub_response)
        if wants_graphql_response:
            response.headers["content-type"] = GRAPHQL_RESPONSE
            if request_failed and response.status_code == 200:
                response.status_code = 400
        return response

    async def get_context(self, request: Request | WebSocket, response: Response | WebSocket) -> Context:
        the_id = request.scope.get("fitcoach.request_id") or request_id(request)
        client_ip = request.client.host if request.client else "unknown"
        context = Context.of(self.services.resolvers, request_id=the_id, client_ip=client_ip)
        if isinstance(response, WebSocket):
            # The connection's own context: its operations each get one of their own.
            connection = SocketConnection(
                self.services,
                self.socket_limits,
                response,
                session_check_seconds=self.config.ws_session_check_seconds,
                request_id=the_id,
                client_ip=client_ip,
            )
            context.session = connection
            return context
        header = request.headers.get("authorization")
        if header is not None:
            await authenticate(self.services, context, header)
        return context

    async def on_ws_connect(self, context: Context) -> dict[str, object] | None:
        await connection_of(context).sign_in(context.connection_params)
        return None

    async def process_result(self, request: Request, result: ExecutionResult) -> GraphQLHTTPResponse:
        """Errors raised before execution (a syntax error, say) skip the extensions: code them here."""
        response = await super().process_result(request, result)
        errors = cast("list[dict[str, Any]]", response.get("errors") or [])
        for error in errors:
            error.setdefault("extensions", {}).setdefault("code", "BAD_USER_INPUT")
        return response

    async def execute_operation(
        self,
        request: Request,
        request_adapter: Any,
        request_data: GraphQLRequestData | list[GraphQLRequestData],
        context: Context,
        root_value: None,
        sub_response: Response,
    ) -> Any:
        result = await self._execute_with_cached_reads(
            request, request_adapter, request_data, context, root_value, sub_response
        )
        if isinstance(request_data, PersistedQueryToRegister) and request_data.query and ran(result):
            await self.persisted_query_registrations.register(
                request_data.sha256_hash, request_data.query, context.client_ip
            )
        return result

    async def _execute_with_cached_reads(
        self,
        request: Request,
        request_adapter: Any,
        request_data: GraphQLRequestData | list[GraphQLRequestData],
        context: Context,
        root_value: None,
        sub_response: Response,
    ) -> Any:
        async def execute() -> Any:
            return await super(FitcoachGraphQL, self).execute_operation(
                request, request_adapter, request_data, context, root_value, sub_response
            )

        responses = self.services.responses
        if responses is None:
            return await execute()
        directives = request.headers.get("cache-control", "")
        if "no-store" in directives:
            return await execute()
        no_cache = "no-cache" in directives
        return await with_cached_reads(responses, context, request_data, no_cache, execute)

    async def parse_http_body(self, request: Any) -> GraphQLRequestData | list[GraphQLRequestData]:
        await check_body_is_an_object(request)
        data = await super().parse_http_body(request)
        if isinstance(data, GraphQLRequestData):
            if not storable(data.query) or not storable(data.variables):
                raise HTTPException(400, "strings must not contain NUL or unpaired surrogates")
            data = await resolve_persisted_query(data, self.services.persisted_queries)
            refuse_subscription_over_http(data, self.config.max_tokens)
        return data
