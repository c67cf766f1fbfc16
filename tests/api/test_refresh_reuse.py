"""The refresh-token reuse interval over a real socket: a phone and its background sync refreshing the
same token at once both get the same successor; a copy presented after the interval still revokes."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.api.graphql_client import data, register
from tests.api.live_support import codes
from tests.api.server import RunningApi, running_api

pytestmark = pytest.mark.usefixtures("no_server_errors")

# Fixtures: imported under their own names, so that pytest finds them in this module.

REFRESH = """mutation($input: RefreshTokenInput!) {
  refreshToken(input: $input) { tokens { accessToken refreshToken } userErrors { code } }
}"""
ME = "{ me { id } }"
SHORT_INTERVAL = 1.0


@pytest.fixture(scope="module")
async def short_interval(served: RunningApi) -> AsyncIterator[RunningApi]:
    """A replica of `served` (same database and Redis) whose reuse interval is one second."""
    settings = served.api.settings.model_copy(update={"refresh_reuse_seconds": SHORT_INTERVAL})
    async with running_api(settings) as second:
        yield second


async def refresh(http: httpx.AsyncClient, refresh_token: str) -> dict[str, Any]:
    payload: dict[str, Any] = (await data(http, REFRESH, {"input": {"refreshToken": refresh_token}}))[
        "refreshToken"
    ]
    return payload


async def signed_in(http: httpx.AsyncClient, access_token: str) -> bool:
    response = await http.post(
        "/graphql", json={"query": ME}, headers={"authorization": f"Bearer {access_token}"}
    )
    return codes(response.json()) == [] and response.json()["data"]["me"] is not None


def error_codes(payload: dict[str, Any]) -> list[str]:
    return [error["code"] for error in payload["userErrors"]]


async def test_twenty_concurrent_refreshes_of_one_token_all_get_the_same_working_successor(served):
    async with served.client(limits=httpx.Limits(max_connections=20)) as http:
        ada = await register(http, "Ada")

        outcomes = await asyncio.gather(*(refresh(http, ada.refresh_token) for _ in range(20)))

        assert [error_codes(outcome) for outcome in outcomes] == [[]] * 20
        successors = {outcome["tokens"]["refreshToken"] for outcome in outcomes}
        assert len(successors) == 1
        assert successors != {ada.refresh_token}
        for outcome in outcomes:
            assert await signed_in(http, outcome["tokens"]["accessToken"])
        following = await refresh(http, successors.pop())
        assert error_codes(following) == []
        assert await signed_in(http, following["tokens"]["accessToken"])
        assert await signed_in(http, ada.access_token)


async def test_a_copy_of_a_rotated_token_presented_after_the_interval_revokes_the_family(short_interval):
    async with short_interval.client() as http:
        ada = await register(http, "Ada")
        rotated = await refresh(http, ada.refresh_token)
        assert error_codes(rotated) == []
        await asyncio.sleep(SHORT_INTERVAL + 0.2)

        reused = await refresh(http, ada.refresh_token)

        assert (reused["tokens"], error_codes(reused)) == (None, ["REFRESH_TOKEN_REUSED"])
        successor = await refresh(http, rotated["tokens"]["refreshToken"])
        assert (successor["tokens"], error_codes(successor)) == (None, ["REFRESH_TOKEN_REVOKED"])
        assert not await signed_in(http, rotated["tokens"]["accessToken"])


async def test_a_copy_presented_within_the_interval_after_the_successor_was_used_revokes_the_family(served):
    async with served.client() as http:
        ada = await register(http, "Ada")
        rotated = await refresh(http, ada.refresh_token)
        newest = await refresh(http, rotated["tokens"]["refreshToken"])
        assert error_codes(newest) == []

        reused = await refresh(http, ada.refresh_token)

        assert error_codes(reused) == ["REFRESH_TOKEN_REUSED"]
        assert error_codes(await refresh(http, newest["tokens"]["refreshToken"])) == ["REFRESH_TOKEN_REVOKED"]
