"""Rate limits of the auth mutations over a real socket, in the real Redis: per client IP and per account.

The server allows 5 auth mutations a minute here. Each client connects from its own loopback address
(127.0.0.0/8 all reaches the server), so "another IP" is a real other peer address, not a header.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from itertools import count
from typing import Any

import httpx
import pytest
from redis.asyncio import Redis

from tests.api.graphql_client import CREATE_PLAN, register
from tests.api.server import REDIS_URL, RunningApi, fresh_database, running_api, test_settings
from tests.api_support.redis_server import delete_prefixed

LIMIT = 5
LOGIN = """mutation Login($input: LoginInput!) {
  login(input: $input) { user { id } tokens { accessToken } userErrors { code } }
}"""
REFRESH = "mutation($input: RefreshTokenInput!) { refreshToken(input: $input) { userErrors { code } } }"
_hosts: Iterator[int] = count(2)


@pytest.fixture(scope="module")
async def limited() -> AsyncIterator[RunningApi]:
    async with (
        fresh_database() as url,
        running_api(test_settings(url, auth_rate_limit_per_minute=LIMIT)) as api,
    ):
        try:
            yield api
        finally:
            await delete_prefixed(REDIS_URL, api.api.settings.redis_key_prefix)


def new_address() -> str:
    host = next(_hosts)
    return f"127.0.{host // 250}.{host % 250 + 2}"


@asynccontextmanager
async def peer(api: RunningApi, address: str | None = None) -> AsyncIterator[httpx.AsyncClient]:
    """A client on a loopback address no other client of this module uses (unless given one)."""
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


def assert_refused(body: dict[str, Any]) -> None:
    assert body.get("data") is None, body
    [error] = body["errors"]
    assert error["extensions"]["code"] == "RATE_LIMITED", error
    assert 0 < error["extensions"]["retryAfterSeconds"] <= 60, error


def assert_answered(body: dict[str, Any]) -> None:
    assert not body.get("errors"), body["errors"]


async def test_the_sixth_auth_attempt_from_one_ip_within_the_minute_is_rate_limited(limited):
    ip = new_address()
    async with peer(limited, ip) as client, peer(limited) as neighbour:
        for _ in range(LIMIT):
            attempt = await login(client, unknown_email())
            assert_answered(attempt)
            assert attempt["data"]["login"]["userErrors"] == [{"code": "INVALID_CREDENTIALS"}]
        assert_refused(await login(client, unknown_email()))
        assert_refused(await post(client, REFRESH, {"input": {"refreshToken": "x" * 40}}))

        assert_answered(await login(neighbour, unknown_email()))  # the limit is per IP, not global

        settings = limited.api.settings
        raw = Redis.from_url(REDIS_URL)
        try:
            key = f"{settings.redis_key_prefix}ratelimit:auth-ip:{ip}"
            assert await raw.zcard(key) == LIMIT, "refused hits do not count"
            assert 0 < await raw.pttl(key) <= 60_000
        finally:
            await raw.aclose()


async def test_every_auth_mutation_draws_on_the_same_budget_of_an_ip(limited):
    async with peer(limited) as client:
        for _ in range(3):
            assert_answered(await login(client, unknown_email()))
        for _ in range(2):
            assert_answered(await post(client, REFRESH, {"input": {"refreshToken": "x" * 40}}))
        email = unknown_email()
        variables = {
            "input": {"email": email, "password": "correct horse battery staple", "displayName": "Eve"}
        }
        register_mutation = "mutation($input: RegisterInput!) { register(input: $input) { user { id } } }"
        assert_refused(await post(client, register_mutation, variables))


async def test_one_account_is_limited_whichever_ips_the_attempts_come_from(limited):
    """Guessing one account's password from many addresses is bounded too: by the account's email
    (normalised, so changing its case or padding it does not help)."""
    email = unknown_email()
    spellings = [email, email.upper(), f"  {email}  ", email.title(), email]
    for spelling in spellings:
        async with peer(limited) as client:
            assert_answered(await login(client, spelling))
    async with peer(limited) as client:
        assert_refused(await login(client, email.upper()))
        assert_answered(await login(client, unknown_email()))  # another account from that IP is fine


async def test_a_real_account_under_attack_is_limited_for_its_owner_too(limited):
    async with peer(limited) as own_device:
        owner = await register(own_device, "Olga")  # the registration is one attempt on the account
        email = (await owner.data("{ me { email } }"))["me"]["email"]
    for _ in range(LIMIT - 1):
        async with peer(limited) as attacker:
            assert_answered(await login(attacker, email))
    async with peer(limited) as own_device:
        assert_refused(await login(own_device, email, "correct horse battery staple"))
        # The owner's existing session is not an auth mutation: it keeps working.
        me = await own_device.post(
            "/graphql",
            json={"query": "{ me { email } }"},
            headers={"authorization": f"Bearer {owner.access_token}"},
        )
        assert me.json() == {"data": {"me": {"email": email}}}


async def test_queries_and_plan_mutations_are_not_rate_limited(limited):
    async with peer(limited) as client:
        ada = await register(client, "Ada")
        for _ in range(LIMIT):
            await login(client, unknown_email())
        assert_refused(await login(client, unknown_email()))

        headers = {"authorization": f"Bearer {ada.access_token}"}
        for number in range(4 * LIMIT):
            me = await client.post("/graphql", json={"query": "{ me { displayName } }"}, headers=headers)
            assert me.json() == {"data": {"me": {"displayName": "Ada"}}}
            anonymous = await client.post("/graphql", json={"query": "{ __typename }"})
            assert anonymous.json() == {"data": {"__typename": "Query"}}
            if number % 4 == 0:
                created = await client.post(
                    "/graphql",
                    json={"query": CREATE_PLAN, "variables": {"input": {"name": f"Plan {number}"}}},
                    headers=headers,
                )
                assert created.json()["data"]["createWorkoutPlan"]["userErrors"] == []
