"""A result over `FITCOACH_MAX_RESPONSE_BYTES` is replaced, whole, by a RESPONSE_TOO_LARGE error (never
sent in part), over HTTP and over a WebSocket; smaller ones go out as they are.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.adapters.api_ports.redis_server import eventually
from tests.api.graphql_client import Session, create_plan, register
from tests.api.server import RunningApi, fresh_database, running_api, test_settings
from tests.api.ws_client import graphql_ws

LIMIT = 8 * 1024
PLANS = 6
DESCRIPTIONS = "{ workoutPlans(first: 10) { edges { node { name description } } } }"
NAMES = "{ workoutPlans(first: 10) { edges { node { name } } } }"


@pytest.fixture(scope="module")
async def capped() -> AsyncIterator[RunningApi]:
    async with fresh_database() as url, running_api(test_settings(url, max_response_bytes=LIMIT)) as running:
        yield running


@pytest.fixture(scope="module")
async def owner(capped: RunningApi) -> AsyncIterator[Session]:
    async with capped.client() as http:
        session = await register(http, "Owner")
        for number in range(PLANS):  # 6 descriptions of 2,000 characters: about 12 KB of them
            await create_plan(session, f"Plan {number}", description=f"{number}" * 2000)

        async def projected() -> bool:
            return len((await session.data(NAMES))["workoutPlans"]["edges"]) == PLANS

        assert await eventually(projected, attempts=300)
        yield session


def too_large(result: dict[str, Any]) -> None:
    assert result["data"] is None
    [error] = result["errors"]
    assert error["extensions"]["code"] == "RESPONSE_TOO_LARGE"
    assert error["extensions"]["limit"] == LIMIT
    assert error["extensions"]["bytes"] > LIMIT
    assert str(LIMIT) in error["message"]


async def test_an_over_large_response_is_replaced_by_an_error(capped, owner):
    response = await owner.client.post(
        "/graphql",
        json={"query": DESCRIPTIONS},
        headers={"authorization": f"Bearer {owner.access_token}", "cache-control": "no-store"},
    )
    assert response.status_code == 200
    assert len(response.content) < 1024
    too_large(response.json())

    names = await owner.data(NAMES)
    assert len(names["workoutPlans"]["edges"]) == PLANS, "a result within the limit goes out whole"


async def test_an_over_large_websocket_message_is_replaced_by_an_error(capped, owner):
    params = {"authorization": f"Bearer {owner.access_token}"}
    async with graphql_ws(capped.ws_url, params) as live:
        small = await live.subscribe(NAMES)
        assert len((await live.next_data(small))["workoutPlans"]["edges"]) == PLANS
        assert (await live.receive())["type"] == "complete"

        big = await live.subscribe(DESCRIPTIONS)
        message = await live.receive()
        assert (message["id"], message["type"]) == (big, "next")
        too_large(message["payload"])
        assert await live.receive() == {"id": big, "type": "complete"}
