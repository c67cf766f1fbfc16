"""Helpers of the rate-limit tests: clients on loopback addresses of their own, logins, refusal checks.

Each client connects from its own loopback address (127.0.0.0/8 all reaches the server), so "another IP"
is a real other peer address, not a header.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from itertools import count
from typing import Any

import httpx

from tests.api.server import RunningApi

LOGIN = """mutation Login($input: LoginInput!) {
  login(input: $input) { user { id } tokens { accessToken } userErrors { code } }
}"""
_hosts: Iterator[int] = count(2)


def new_address() -> str:
    """A loopback address no other client of this test run uses."""
    host = next(_hosts)
    return f"127.{host // 62_500 % 250 + 1}.{host // 250 % 250}.{host % 250 + 2}"


@asynccontextmanager
async def peer(api: RunningApi, address: str | None = None) -> AsyncIterator[httpx.AsyncClient]:
    """A client on a loopback address no other client uses (unless given one)."""
    transport = httpx.AsyncHTTPTransport(local_address=address or new_address())
    async with api.client(transport=transport) as client:
        yield client


async def post(client: httpx.AsyncClient, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    response = await client.post("/graphql", json={"query": query, "variables": variables})
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def login(client: httpx.AsyncClient, email: str, password: str = "not the password") -> dict[str, Any]:
    return await post(client, LOGIN, {"input": {"email": email, "password": password}})


def unknown_email() -> str:
    return f"nobody-{uuid.uuid4().hex[:10]}@example.com"


def assert_refused(body: dict[str, Any], *, within: float = 60) -> None:
    assert body.get("data") is None, body
    [error] = body["errors"]
    assert error["extensions"]["code"] == "RATE_LIMITED", error
    assert 0 < error["extensions"]["retryAfterSeconds"] <= within, error


def assert_answered(body: dict[str, Any]) -> None:
    assert not body.get("errors"), body["errors"]
