"""A user's whole journey over a real socket: sign up, sign in, build a plan, change it, watch it live."""

from __future__ import annotations

from typing import Any

from tests.api.graphql_client import CREATE_PLAN, PLAN_FIELDS, data, execute, exercise, register
from tests.api.ws_client import graphql_ws
from tests.library_support import BENCH, DEADLIFT, PRESS, ROW, SQUAT

LOGIN = """
mutation Login($input: LoginInput!) {
  login(input: $input) { user { id } tokens { accessToken refreshToken } userErrors { code } }
}"""
ADD = (
    "mutation Add($input: AddExerciseInput!) { addExercise(input: $input) {"
    f" plan {{ {PLAN_FIELDS} }} userErrors {{ field message code currentVersion }} }} }}"
)
REORDER = (
    "mutation Reorder($input: ReorderExercisesInput!) { reorderExercises(input: $input) {"
    f" plan {{ {PLAN_FIELDS} }} userErrors {{ field message code }} }} }}"
)
VERSION = (
    "mutation Version($input: CreatePlanVersionInput!) { createPlanVersion(input: $input) {"
    f" plan {{ {PLAN_FIELDS}"
    " versions { totalCount edges { node { versionNumber changeDescription } } } }"
    " userErrors { field message code } } }"
)
REVERT = (
    "mutation Revert($input: RevertPlanToVersionInput!) { revertPlanToVersion(input: $input) {"
    f" plan {{ {PLAN_FIELDS} }} userErrors {{ field message code }} }} }}"
)
REFRESH = """
mutation Refresh($input: RefreshTokenInput!) {
  refreshToken(input: $input) { tokens { accessToken refreshToken } userErrors { code } }
}"""
WATCH = """subscription Watch($planId: ID!) {
  workoutPlanChanged(planId: $planId) { id version exercises { exerciseId } }
}"""
ME = "{ me { id email displayName } }"


async def test_sign_up_build_a_plan_change_it_and_watch_it_change(served, client):
    ada = await register(client, "Ada")
    me = (await ada.data(ME))["me"]
    assert me["id"] == ada.user_id
    assert me["displayName"] == "Ada"

    login = await data(
        client, LOGIN, {"input": {"email": me["email"], "password": "correct horse battery staple"}}
    )
    assert login["login"]["userErrors"] == []
    assert login["login"]["user"]["id"] == ada.user_id

    plan = (await ada.data(CREATE_PLAN, {"input": {"name": "Strength A", "durationMinutes": 60}}))[
        "createWorkoutPlan"
    ]["plan"]
    assert (plan["name"], plan["version"], plan["exercises"]) == ("Strength A", 1, [])

    async with graphql_ws(served.ws_url, {"authorization": f"Bearer {ada.access_token}"}) as live:
        watching = await live.subscribe(WATCH, {"planId": plan["id"]})
        first = (await live.next_data(watching))["workoutPlanChanged"]
        assert first["version"] == 1

        version = plan["version"]
        for exercise_id in (SQUAT, BENCH, ROW, PRESS, DEADLIFT):
            added = (
                await ada.data(
                    ADD,
                    {
                        "input": {
                            "planId": plan["id"],
                            "expectedVersion": version,
                            "exercise": exercise(exercise_id),
                        }
                    },
                )
            )["addExercise"]
            assert added["userErrors"] == []
            version = added["plan"]["version"]
        assert version == 6

        new_order = [DEADLIFT, SQUAT, PRESS, BENCH, ROW]
        reordered = await ada.data(REORDER, {"input": {"planId": plan["id"], "exerciseIds": new_order}})
        assert [e["exerciseId"] for e in reordered["reorderExercises"]["plan"]["exercises"]] == new_order

        saved = await ada.data(VERSION, {"input": {"planId": plan["id"], "changeDescription": "Week 1"}})
        saved_plan = saved["createPlanVersion"]["plan"]
        assert saved_plan["latestVersionNumber"] == 1
        assert saved_plan["versions"]["edges"][0]["node"]["changeDescription"] == "Week 1"

        await ada.data(REORDER, {"input": {"planId": plan["id"], "exerciseIds": list(reversed(new_order))}})
        reverted = await ada.data(REVERT, {"input": {"planId": plan["id"], "versionNumber": 1}})
        final = reverted["revertPlanToVersion"]["plan"]
        assert [e["exerciseId"] for e in final["exercises"]] == new_order

        seen: list[dict[str, Any]] = []
        while not seen or seen[-1]["version"] < final["version"]:
            seen.append((await live.next_data(watching, timeout=10))["workoutPlanChanged"])
        assert [update["version"] for update in seen] == sorted({update["version"] for update in seen})
        assert [e["exerciseId"] for e in seen[-1]["exercises"]] == new_order

    refreshed = (await data(client, REFRESH, {"input": {"refreshToken": ada.refresh_token}}))["refreshToken"]
    assert refreshed["userErrors"] == []
    assert (await data(client, ME, token=refreshed["tokens"]["accessToken"]))["me"]["id"] == ada.user_id
    # Sent again at once (a second request of the same app): the same successor, within the reuse interval.
    repeated = (await data(client, REFRESH, {"input": {"refreshToken": ada.refresh_token}}))["refreshToken"]
    assert repeated["tokens"]["refreshToken"] == refreshed["tokens"]["refreshToken"]
    rotated = await data(client, REFRESH, {"input": {"refreshToken": refreshed["tokens"]["refreshToken"]}})
    assert rotated["refreshToken"]["userErrors"] == []
    # Once its successor was used, the old token coming back is a copy: the session ends.
    reused = (await data(client, REFRESH, {"input": {"refreshToken": ada.refresh_token}}))["refreshToken"]
    assert reused["tokens"] is None
    assert reused["userErrors"][0]["code"] == "REFRESH_TOKEN_REUSED"


async def test_a_stale_expected_version_is_a_conflict_carrying_the_current_version(
    client,
):
    ada = await register(client, "Ada")
    plan_id = (await ada.data(CREATE_PLAN, {"input": {"name": "Push"}}))["createWorkoutPlan"]["plan"]["id"]
    await ada.data(ADD, {"input": {"planId": plan_id, "exercise": exercise(SQUAT)}})
    stale = await execute(
        client,
        ADD,
        {"input": {"planId": plan_id, "expectedVersion": 1, "exercise": exercise(BENCH)}},
        token=ada.access_token,
    )
    payload = stale["data"]["addExercise"]
    assert payload["plan"] is None
    assert payload["userErrors"] == [
        {
            "field": None,
            "message": payload["userErrors"][0]["message"],
            "code": "CONFLICT",
            "currentVersion": 2,
        }
    ]
