"""Live plan updates across replicas: two API servers share PostgreSQL and Redis, and a plan changed
through either one is pushed to a subscriber on the other."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.api.graphql_client import CREATE_PLAN, register
from tests.api.server import RunningApi, running_api
from tests.api.subscriptions.subscription_support import WATCH, Inbox, bearer, rename

# Fixtures: imported under their own names, so that pytest finds them in this module.
from tests.api.ws_client import graphql_ws


@pytest.fixture(scope="module")
async def replica(served: RunningApi) -> AsyncIterator[RunningApi]:
    """A second API server on the same database and Redis prefix as `served` (its projector stands by)."""
    async with running_api(served.api.settings) as second:
        yield second


@pytest.mark.parametrize("direction", ["watch on the first, write through the second", "the other way"])
async def test_given_two_replicas_when_a_plan_changes_through_one_then_a_subscriber_on_the_other_sees_it(
    served, replica, direction
):
    watched, written = (served, replica) if direction.startswith("watch on the first") else (replica, served)
    assert watched.api.settings.redis_key_prefix == written.api.settings.redis_key_prefix
    async with written.client() as http:
        ada = await register(http, "Ada")
        plan = (await ada.data(CREATE_PLAN, {"input": {"name": "Replicated"}}))["createWorkoutPlan"]["plan"]
        async with graphql_ws(watched.ws_url, bearer(ada)) as live:
            inbox = Inbox(live)
            watching = await live.subscribe(WATCH, {"planId": plan["id"]})
            for step in range(1, 4):
                version = await rename(ada, plan["id"], f"Replicated {step}")
                assert (await inbox.plan_at(watching, version))["name"] == f"Replicated {step}"
