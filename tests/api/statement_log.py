"""Counting the statements each HTTP request sends PostgreSQL, for the query-cost tests.

Every statement psycopg sends to the server leaves through one of three places, whichever pool, cursor
or protocol is used: `BaseCursor._execute_send` (simple and extended queries, server-side cursors,
COPY), `BaseCursor._send_query_prepared` (prepared statements) and `BaseConnection._exec_command`
(BEGIN, COMMIT, SAVEPOINT, ...). The hooks here wrap the three and record each statement under the HTTP
request it was sent for: an ASGI wrapper around the app sets a context variable per request, which the
request's tasks (resolvers, dataloader batches) inherit and the projectors' and pools' own tasks do
not. So a request's count covers the read models, the event store and the session check alike, and
nothing else. (pg_stat_statements would count on the server, but it needs `shared_preload_libraries`,
which the shared test PostgreSQL does not load.)
"""

from __future__ import annotations

import contextlib
import functools
import uuid
from collections.abc import AsyncIterator, Generator
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

import httpx
import psycopg
import pytest
from psycopg import _connection_base, _cursor_base
from starlette.types import ASGIApp, Receive, Scope, Send

import server
import tests.api.server as api_server
from tests.adapters.api_ports.redis_server import delete_prefixed
from tests.api.server import REDIS_URL, RunningApi, fresh_database, running_api, test_settings

_REQUEST_STATEMENTS: ContextVar[list[str] | None] = ContextVar("request_statements", default=None)
_REQUEST_ROWS: ContextVar[list[tuple[str, int]] | None] = ContextVar("request_rows", default=None)


def _text(query: object) -> str:
    if isinstance(query, bytes):
        return query.decode(errors="replace")
    return str(query)


def _note(query: object) -> None:
    statements = _REQUEST_STATEMENTS.get()
    if statements is not None:
        statements.append(" ".join(_text(query).split()))


@dataclass
class StatementLog:
    """The statements PostgreSQL was sent for each request carrying an `X-Request-ID`, and for each one
    read with `fetchall`, how many rows it brought back."""

    by_request: dict[str, list[str]] = field(default_factory=dict)
    rows_by_request: dict[str, list[tuple[str, int]]] = field(default_factory=dict)

    def wrap(self, app: ASGIApp) -> ASGIApp:
        async def counted(scope: Scope, receive: Receive, send: Send) -> None:
            if scope["type"] != "http":
                await app(scope, receive, send)
                return
            statements: list[str] = []
            rows: list[tuple[str, int]] = []
            request_id = dict(scope.get("headers", [])).get(b"x-request-id")
            if request_id is not None:
                self.by_request[request_id.decode()] = statements
                self.rows_by_request[request_id.decode()] = rows
            token = _REQUEST_STATEMENTS.set(statements)
            rows_token = _REQUEST_ROWS.set(rows)
            try:
                await app(scope, receive, send)
            finally:
                _REQUEST_ROWS.reset(rows_token)
                _REQUEST_STATEMENTS.reset(token)

        return counted


def _install_driver_hooks(patch: pytest.MonkeyPatch) -> None:
    send = _cursor_base.BaseCursor._execute_send
    send_prepared = _cursor_base.BaseCursor._send_query_prepared
    command = _connection_base.BaseConnection._exec_command

    @functools.wraps(send)
    def noted_send(self: Any, query: Any, *args: Any, **kwargs: Any) -> None:
        _note(query.query)
        send(self, query, *args, **kwargs)

    @functools.wraps(send_prepared)
    def noted_send_prepared(self: Any, name: bytes, query: Any, *args: Any, **kwargs: Any) -> None:
        _note(query.query)
        send_prepared(self, name, query, *args, **kwargs)

    @functools.wraps(command)
    def noted_command(self: Any, sql: Any, *args: Any, **kwargs: Any) -> Generator[Any, Any, Any]:
        _note(sql if isinstance(sql, str | bytes) else sql.as_string(self))
        return (yield from command(self, sql, *args, **kwargs))

    fetchall = psycopg.AsyncCursor.fetchall

    @functools.wraps(fetchall)
    async def noted_fetchall(self: Any) -> Any:
        rows = await fetchall(self)
        counted = _REQUEST_ROWS.get()
        if counted is not None:  # `_last_query`: what `execute` was given, prepared statement or not
            counted.append((" ".join(_text(self._last_query).split()), len(rows)))
        return rows

    patch.setattr(psycopg.AsyncCursor, "fetchall", noted_fetchall)
    patch.setattr(_cursor_base.BaseCursor, "_execute_send", noted_send)
    patch.setattr(_cursor_base.BaseCursor, "_send_query_prepared", noted_send_prepared)
    patch.setattr(_connection_base.BaseConnection, "_exec_command", noted_command)


@dataclass
class CostApi:
    running: RunningApi
    log: StatementLog
    http: httpx.AsyncClient

    async def run(
        self, token: str, query: str, variables: dict[str, Any] | None = None
    ) -> tuple[dict[str, Any], list[str]]:
        """The response's data and the statements the request sent to PostgreSQL (read results are
        cached per user: `no-cache` makes the request execute, which is what is counted here)."""
        request_id = f"cost-{uuid.uuid4().hex}"
        response = await self.http.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers={
                "authorization": f"Bearer {token}",
                "x-request-id": request_id,
                "cache-control": "no-cache",
            },
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert not body.get("errors"), body["errors"]
        self.log.rows_by_request.pop(request_id, None)
        return body["data"], self.log.by_request.pop(request_id)

    async def post(
        self, token: str, query: str, variables: dict[str, Any] | None = None
    ) -> tuple[dict[str, Any], list[str], list[tuple[str, int]]]:
        """The whole response body, the statements the request sent, and the rows those read with
        `fetchall` brought back (executed, as in `run`)."""
        request_id = f"cost-{uuid.uuid4().hex}"
        response = await self.http.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers={
                "authorization": f"Bearer {token}",
                "x-request-id": request_id,
                "cache-control": "no-cache",
            },
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body, self.log.by_request.pop(request_id), self.log.rows_by_request.pop(request_id)

    async def fails(self, token: str, query: str, variables: dict[str, Any] | None = None) -> list[str]:
        response = await self.http.post(
            "/graphql",
            json={"query": query, "variables": variables or {}},
            headers={"authorization": f"Bearer {token}"},
        )
        assert response.status_code == 200, response.text
        return [error["extensions"]["code"] for error in response.json()["errors"]]


@contextlib.asynccontextmanager
async def counted_api(**overrides: Any) -> AsyncIterator[CostApi]:
    """A served API on a fresh database (settings `overrides` applied) whose statements are counted per
    request; its Redis keys are deleted afterwards."""
    log = StatementLog()
    with pytest.MonkeyPatch.context() as patch:
        _install_driver_hooks(patch)
        create_app = server.create_app
        patch.setattr(
            api_server, "create_app", lambda settings, *, api: log.wrap(create_app(settings, api=api))
        )
        async with (
            fresh_database() as url,
            running_api(test_settings(url, **overrides)) as running,
            running.client() as http,
        ):
            try:
                yield CostApi(running, log, http)
            finally:
                await delete_prefixed(REDIS_URL, running.api.settings.redis_key_prefix)
