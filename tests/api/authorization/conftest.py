"""Fixtures of the authorization tests: the world, set up once per module and waited for until the
read models hold it, and a watch that fails a test on any server error.
"""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Iterator

import pytest

from domain.users.values import Role
from tests.api.authorization.authorization_support import (
    ADD,
    MUTATIONS,
    OWNER,
    PLAN,
    PLANS,
    World,
    sign_in_again,
)
from tests.api.graphql_client import CREATE_PLAN, exercise, register
from tests.api.live_support import call, eventually, raw_id, server_errors_fail_the_test
from tests.api.server import RunningApi
from tests.library_support import BENCH, SQUAT


@pytest.fixture(autouse=True)
def no_server_errors() -> Iterator[None]:
    with server_errors_fail_the_test():
        yield


@pytest.fixture(scope="module")
async def world(served: RunningApi) -> AsyncIterator[World]:
    async with served.client() as http:
        ada, bob, root = [await register(http, name) for name in ("Ada", "Bob", "Root")]
        await served.api.accounts.set_role(raw_id(root.user_id), Role.ADMIN)
        admin = await sign_in_again(root)

        command_id = str(uuid.uuid4())
        plan = (await ada.data(CREATE_PLAN, {"input": {"name": "Ada's legs", "commandId": command_id}}))[
            "createWorkoutPlan"
        ]["plan"]
        for exercise_id in (SQUAT, BENCH):
            added = await ada.data(ADD, {"input": {"planId": plan["id"], "exercise": exercise(exercise_id)}})
            assert added["addExercise"]["userErrors"] == []
        saved = await ada.data(
            MUTATIONS["createPlanVersion"][0],
            {"input": {"planId": plan["id"], "changeDescription": "Week 1"}},
        )
        assert saved["createPlanVersion"]["userErrors"] == []
        bob_plan = (await bob.data(CREATE_PLAN, {"input": {"name": "Bob's arms"}}))["createWorkoutPlan"][
            "plan"
        ]

        # Every later check reads the read models: wait until they hold what was written.
        await eventually(
            lambda: call(http, OWNER, {"id": plan["id"]}, token=ada.access_token),
            lambda body: (body.get("data") or {}).get("workoutPlan", {}).get("owner") is not None,
        )
        await eventually(
            lambda: call(http, PLAN, {"id": plan["id"]}, token=ada.access_token),
            lambda body: (body.get("data") or {}).get("workoutPlan", {}).get("version") == 4,
        )
        await eventually(
            lambda: bob.data(PLANS),
            lambda found: [edge["node"]["id"] for edge in found["workoutPlans"]["edges"]] == [bob_plan["id"]],
        )
        yield World(served, ada, bob, admin, plan["id"], command_id, bob_plan["id"])
