"""Reads over a long-lived WebSocket are as fresh as over HTTP: each operation, and each push of a
subscription, reads through dataloaders of its own, never through ones kept since the socket opened.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.api.graphql_client import create_plan, register
from tests.api.live_support import call, codes, eventually
from tests.api.sessions.session_support import rename
from tests.api.socket_clients import PROTOCOLS, TRANSPORT, socket_client
from tests.api.subscriptions.subscription_support import bearer

# Fixtures: imported under their own names, so that pytest finds them in this module.

PLAN = "query($id: ID!) { workoutPlan(id: $id) { id name version } }"
SAVE_VERSION = """mutation($input: CreatePlanVersionInput!) {
  createPlanVersion(input: $input) { plan { version latestVersionNumber } userErrors { code } }
}"""
WATCH_VERSIONS = """subscription($planId: ID!) {
  workoutPlanChanged(planId: $planId) { version latestVersionNumber versions { totalCount } }
}"""


async def test_given_an_open_socket_when_a_plan_is_renamed_then_the_next_query_on_it_reads_the_new_name(
    served, client
):
    ada = await register(client, "Ada")
    plan = await create_plan(ada, "Old name")
    await eventually(
        lambda: call(client, PLAN, {"id": plan["id"]}, token=ada.access_token),
        lambda body: not codes(body),
    )
    async with socket_client(served.ws_url, TRANSPORT, bearer(ada)) as live:
        before = (await live.request(PLAN, {"id": plan["id"]}))["data"]["workoutPlan"]
        assert (before["name"], before["version"]) == ("Old name", 1)

        version = await rename(ada, plan["id"], "New name")
        await eventually(
            lambda: call(client, PLAN, {"id": plan["id"]}, token=ada.access_token),
            lambda body: body["data"]["workoutPlan"]["version"] == version,
        )

        after = (await live.request(PLAN, {"id": plan["id"]}))["data"]["workoutPlan"]
        assert (after["name"], after["version"]) == ("New name", version)


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_given_a_subscription_when_versions_are_saved_then_every_push_counts_them(
    served, client, protocol
):
    ada = await register(client, "Ada")
    plan = await create_plan(ada, "Versioned")
    async with socket_client(served.ws_url, protocol, bearer(ada)) as live:
        watching = await live.start(WATCH_VERSIONS, {"planId": plan["id"]})
        pushed: list[dict[str, Any]] = [await plan_pushed(live, watching)]
        assert pushed[0]["versions"] == {"totalCount": 0}

        for week in range(1, 4):
            saved = await ada.data(
                SAVE_VERSION, {"input": {"planId": plan["id"], "changeDescription": f"W{week}"}}
            )
            assert saved["createPlanVersion"]["userErrors"] == []
        while pushed[-1]["latestVersionNumber"] != 3:  # a burst may skip versions, never the last one
            pushed.append(await plan_pushed(live, watching))

    for plan_seen in pushed:
        assert plan_seen["versions"]["totalCount"] == (plan_seen["latestVersionNumber"] or 0), pushed


async def plan_pushed(live: Any, operation_id: str) -> dict[str, Any]:
    result = await live.result(operation_id)
    assert not result.get("errors"), result
    plan: dict[str, Any] = result["data"]["workoutPlanChanged"]
    return plan
