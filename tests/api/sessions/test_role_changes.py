"""Role changes over a real socket: a new role takes effect on the next request made with the same
token, and a demoted admin's subscription to someone else's plan ends (test_socket_sessions: the
rest of what a socket may do).
"""

from __future__ import annotations

from domain.users.values import Role
from tests.api.graphql_client import CREATE_PLAN, data, register
from tests.api.live_support import call, codes, eventually, raw_id

# Fixtures: imported under their own names, so that pytest finds them in this module.
from tests.api.sessions.session_support import ME, WATCH, rename
from tests.api.socket_clients import TRANSPORT, socket_client

PLAN = "query($id: ID!) { workoutPlan(id: $id) { id name } }"
SET_ROLE = """mutation($input: SetUserRoleInput!) {
  setUserRole(input: $input) { user { id role } userErrors { code } }
}"""


async def test_given_an_admin_watching_adas_plan_when_they_are_demoted_then_the_subscription_ends_and_closes(
    served, client
):
    ada, root = await register(client, "Ada"), await register(client, "Root")
    await served.api.accounts.set_role(raw_id(root.user_id), Role.ADMIN)
    plan = (await ada.data(CREATE_PLAN, {"input": {"name": "Ada's, watched"}}))["createWorkoutPlan"]["plan"]
    async with socket_client(
        served.ws_url, TRANSPORT, {"authorization": f"Bearer {root.access_token}"}
    ) as live:
        watching = await live.start(WATCH, {"planId": plan["id"]})
        version = await rename(ada, plan["id"], "Seen by the admin")
        while (await live.result(watching))["data"]["workoutPlanChanged"]["version"] < version:
            pass

        await served.api.accounts.set_role(raw_id(root.user_id), Role.USER)
        await rename(ada, plan["id"], "Not seen any more")

        # The subscription ends (NOT_FOUND) without a push, and the socket is closed: its role changed.
        assert await live.closed_with() == 4403


async def test_given_a_role_change_then_it_takes_effect_for_the_next_request_with_the_same_token(
    served, client
):
    ada, bob, root = [await register(client, name) for name in ("Ada", "Bob", "Root")]
    await served.api.accounts.set_role(raw_id(root.user_id), Role.ADMIN)
    plan = (await ada.data(CREATE_PLAN, {"input": {"name": "Ada's"}}))["createWorkoutPlan"]["plan"]
    await eventually(
        lambda: call(client, PLAN, {"id": plan["id"]}, token=ada.access_token), lambda b: not codes(b)
    )

    async def bob_reads_adas_plan() -> list[str]:
        return codes(await call(client, PLAN, {"id": plan["id"]}, token=bob.access_token))

    assert await bob_reads_adas_plan() == ["NOT_FOUND"]
    for role, expected in (("ADMIN", []), ("USER", ["NOT_FOUND"])):
        changed = await data(
            client, SET_ROLE, {"input": {"userId": bob.user_id, "role": role}}, token=root.access_token
        )
        assert changed["setUserRole"] == {"user": {"id": bob.user_id, "role": role}, "userErrors": []}
        assert await bob_reads_adas_plan() == expected
        assert (await bob.data(ME))["me"]["role"] == role

    demoted_root = await data(
        client, SET_ROLE, {"input": {"userId": root.user_id, "role": "USER"}}, token=root.access_token
    )
    assert demoted_root["setUserRole"]["userErrors"] == []
    again = await call(
        client, SET_ROLE, {"input": {"userId": bob.user_id, "role": "ADMIN"}}, token=root.access_token
    )
    assert codes(again) == ["FORBIDDEN"]
