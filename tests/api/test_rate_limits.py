"""Rate limits of the auth mutations over a real socket, in the real Redis: per client IP.

The server allows 5 auth mutations a minute here. Each client connects from its own loopback address, so
"another IP" is a real other peer address, not a header. Failed logins per account and address are in
test_login_throttle.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from redis.asyncio import Redis

from tests.adapters.api_ports.redis_server import delete_prefixed
from tests.api.graphql_client import CREATE_PLAN, register
from tests.api.rate_limit_support import (
    assert_answered,
    assert_refused,
    login,
    new_address,
    peer,
    post,
    unknown_email,
)
from tests.api.server import REDIS_URL, RunningApi, fresh_database, running_api, test_settings

LIMIT = 5
REFRESH = "mutation($input: RefreshTokenInput!) { refreshToken(input: $input) { userErrors { code } } }"


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
