"""What the GraphQL view checks of a request before running it, and how request errors look.

- Automatic persisted queries (Apollo's `extensions.persistedQuery`, sha256) against `PersistedQueries`;
  a query sent with its hash is registered after it ran, so only documents the schema accepts are kept.
- Strings that no store can hold (NUL, unpaired surrogates) are refused before anything runs.
- A JSON body must be one request object (Strawberry would take any JSON value, and fail on it later).
- Subscriptions are served over WebSocket only: one sent over HTTP is refused up front, naming the way.
- Request errors are JSON with `extensions.code`, with GraphQL-over-HTTP status codes.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from dataclasses import dataclass, fields
from typing import Any, cast

from cross_web import AsyncHTTPRequestAdapter, HTTPException
from graphql.error import GraphQLSyntaxError
from graphql.language import OperationDefinitionNode, OperationType, parse
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.websockets import WebSocket
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData
from strawberry.types import ExecutionResult

from application.persisted_queries import PersistedQueries

REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{8,64}$")
SHA256_HEX = re.compile(r"^[0-9a-f]{64}$")
UNSTORABLE = re.compile("[\\x00\\ud800-\\udfff]")
MAX_VARIABLE_DEPTH = 32
JSON_WHITESPACE = b" \t\n\r"
NOT_AN_OBJECT = 'the request body must be a JSON object such as {"query": "{ me { id } }"}'
SUBSCRIPTIONS_OVER_WEBSOCKET = (
    "subscriptions are served over WebSocket (graphql-transport-ws) at /graphql, not over HTTP"
)


class PersistedQueryNotFound(Exception):
    pass


def request_error(status: int, message: str, code: str = "BAD_REQUEST") -> JSONResponse:
    return JSONResponse({"errors": [{"message": message, "extensions": {"code": code}}]}, status_code=status)


@dataclass
class PersistedQueryToRegister(GraphQLRequestData):
    """A request that sent a query with its matching `persistedQuery` hash. The query is registered only
    once it has run without a parse or validation error (`ran`): never a document the schema refuses."""

    sha256_hash: str = ""


async def resolve_persisted_query(data: GraphQLRequestData, store: PersistedQueries) -> GraphQLRequestData:
    """The request with the query an `extensions.persistedQuery` names filled in, or, when the query came
    with its hash, as a `PersistedQueryToRegister`. HTTPException 400 for a bad extension or a hash that
    does not match; PersistedQueryNotFound for a hash this store does not know (the client then sends the
    query)."""
    persisted = (data.extensions or {}).get("persistedQuery")
    if persisted is None:
        return data
    digest = persisted.get("sha256Hash") if isinstance(persisted, dict) else None
    version = persisted.get("version") if isinstance(persisted, dict) else None
    if not isinstance(digest, str) or not SHA256_HEX.match(digest) or version != 1 or version is True:
        raise HTTPException(400, "extensions.persistedQuery needs version 1 and a sha256Hash")
    if data.query is None:
        data.query = await store.get(digest)
        if data.query is None:
            raise PersistedQueryNotFound()
        return data
    if hashlib.sha256(data.query.encode()).hexdigest() != digest:
        raise HTTPException(400, "provided sha256Hash does not match the query")
    given = {field.name: getattr(data, field.name) for field in fields(GraphQLRequestData)}
    return PersistedQueryToRegister(**given, sha256_hash=digest)


def ran(result: object) -> bool:
    """The result of a document that parsed and validated: it has data, or an error raised while running
    (with a path), rather than only errors from before execution. A variable that did not coerce is one of
    those too: the query is then kept on a later request that runs."""
    if not isinstance(result, ExecutionResult):
        return False
    errors = result.errors or []
    return result.data is not None or any(error.path is not None for error in errors)


async def check_body_is_an_object(request: AsyncHTTPRequestAdapter) -> None:
    """A JSON value's kind shows in its first character: `{` an object, `[` a batch (which Strawberry
    refuses itself). Anything else (`null`, `123`, `"str"`) is refused here, without a second parse."""
    if request.method != "POST" or "application/json" not in (request.content_type or ""):
        return
    first = (await request.get_body()).lstrip(JSON_WHITESPACE)[:1]
    if first not in (b"{", b"[", b""):  # an empty body is left to the JSON parser's own error
        raise HTTPException(400, NOT_AN_OBJECT)


def refuse_subscription_over_http(data: GraphQLRequestData, max_tokens: int) -> None:
    """HTTP would run a subscription as a query, whose root field then cannot resolve: say where to go.
    Only a document with the word `subscription` in it can hold one, so most are never parsed here; one
    that is, is parsed within the token limit the schema's own parse has."""
    query = data.query
    if (
        data.protocol == "http"
        and query
        and "subscription" in query
        and _is_subscription(query, data.operation_name, max_tokens)
    ):
        raise HTTPException(400, SUBSCRIPTIONS_OVER_WEBSOCKET)


def _is_subscription(query: str, operation_name: str | None, max_tokens: int) -> bool:
    try:
        document = parse(query, no_location=True, max_tokens=max_tokens)
    except GraphQLSyntaxError:
        return False  # execution reports the syntax error
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [o for o in operations if operation_name is None or (o.name and o.name.value == operation_name)]
    return len(chosen) == 1 and chosen[0].operation is OperationType.SUBSCRIPTION


def failed_before_execution(response: GraphQLHTTPResponse) -> bool:
    """No data and no error with a path: the document did not parse or validate, nothing ran."""
    errors = cast("list[dict[str, Any]]", response.get("errors") or [])
    return response.get("data") is None and bool(errors) and all("path" not in e for e in errors)


def status_of(error: HTTPException) -> int:
    """GraphQL over HTTP: an unknown media type is 415, and a mutation sent with GET is 405."""
    if error.reason == "Unsupported content type":
        return 415
    if error.status_code == 400 and "when using GET" in error.reason:
        return 405
    return error.status_code


def storable(value: object, depth: int = 0) -> bool:
    """No NUL and no lone surrogate anywhere: PostgreSQL and UTF-8 cannot hold them."""
    if isinstance(value, str):
        return UNSTORABLE.search(value) is None
    if depth > MAX_VARIABLE_DEPTH:
        return False
    if isinstance(value, dict):
        return all(storable(key, depth) and storable(item, depth + 1) for key, item in value.items())
    if isinstance(value, list):
        return all(storable(item, depth + 1) for item in value)
    return True


def request_id(request: Request | WebSocket) -> str:
    given = request.headers.get("x-request-id")
    return given if given is not None and REQUEST_ID.match(given) else uuid.uuid4().hex
