"""Helpers of the authorization, subscription and session tests: error watching, ids, bounded waits."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from datetime import datetime
from typing import Any, TypeVar
from uuid import UUID

import httpx
import jwt

from adapters.auth.access_tokens import JwtAccessTokens
from application.auth_ports import Session as TokenSession
from domain.users.values import Role
from schema.ids import parse_global_id
from tests.api.graphql_client import execute
from tests.api.server import TEST_SECRET

T = TypeVar("T")
PASSWORD = "correct horse battery staple"
WATCHED_LOGGERS = ("", "uvicorn")
"""The root logger, and uvicorn's, which does not propagate to the root."""


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@contextmanager
def server_errors_fail_the_test() -> Iterator[None]:
    """Fails the test if the servers (they run in this process) logged an error meanwhile: an
    unexpected exception in a resolver, a WebSocket task or the ASGI app."""
    handler = _Collect()
    loggers = [logging.getLogger(name) for name in WATCHED_LOGGERS]
    for logger in loggers:
        logger.addHandler(handler)
    try:
        yield
    finally:
        for logger in loggers:
            logger.removeHandler(handler)
    assert not handler.records, [f"{r.name}: {r.getMessage()}" for r in handler.records]


def codes(body: dict[str, Any]) -> list[str]:
    return [error.get("extensions", {}).get("code") for error in body.get("errors") or []]


def assert_no_internal_errors(body: object) -> None:
    assert "INTERNAL_SERVER_ERROR" not in json.dumps(body), body


async def call(
    http: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None, *, token: str | None = None
) -> dict[str, Any]:
    """The whole response body of a GraphQL call, which must not be a server error."""
    body = await execute(http, query, variables, token=token)
    assert_no_internal_errors(body)
    return body


async def unauthenticated(
    http: httpx.AsyncClient, query: str, variables: dict[str, Any] | None = None, *, token: str | None = None
) -> dict[str, Any]:
    """Asserts the call was refused as UNAUTHENTICATED, with no data (a nullable root field is null)."""
    body = await call(http, query, variables, token=token)
    assert codes(body) == ["UNAUTHENTICATED"], body
    assert not any((body.get("data") or {}).values()), body
    return body


def raw_id(global_id: str) -> UUID:
    return parse_global_id(global_id)[1]


async def eventually(
    probe: Callable[[], Awaitable[T]],
    condition: Callable[[T], bool],
    *,
    within: float = 10.0,
    every: float = 0.02,
) -> T:
    """The first result of `probe` that meets `condition`; fails after `within` seconds."""
    deadline = time.monotonic() + within
    while True:
        value = await probe()
        if condition(value):
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {within} s; last value: {value!r}")
        await asyncio.sleep(every)


def token_like(real: str, *, issued: datetime, secret: str = TEST_SECRET) -> str:
    """An access token for the same session as `real`, issued at `issued` with the given secret."""
    claims = jwt.decode(real, options={"verify_signature": False})
    session = TokenSession(
        user_id=UUID(claims["sub"]), role=Role(claims["role"]), session_id=UUID(claims["sid"])
    )
    return JwtAccessTokens(secret).issue(session, issued).token
