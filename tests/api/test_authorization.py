"""Who may see and change what, entry point by entry point, over a real socket.

Ada owns a plan; Bob is another user; Root is an admin. Every query, field, mutation and the
subscription is tried as the owner, as Bob, as the admin and without a token. Someone else's plan or
account is NOT_FOUND (so ids cannot be probed), a refused change writes nothing, and no call is
ever a server error.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest

from application.handler import workout_plan_stream
from domain.users.values import Role
from tests.api.graphql_client import CREATE_PLAN, Session, data, exercise, register
from tests.api.live_support import (
    PASSWORD,
    assert_no_internal_errors,
    call,
    codes,
    eventually,
    raw_id,
    server_errors_fail_the_test,
    unauthenticated,
)
from tests.api.server import RunningApi
from tests.api.ws_client import graphql_ws

SQUAT, BENCH = "Barbell_Squat", "Bench_Press"
LOGIN = """mutation($input: LoginInput!) {
  login(input: $input) { tokens { accessToken refreshToken } userErrors { code } }
}"""
ME = "{ me { id email displayName role } }"
PLANS = "{ workoutPlans(first: 50) { edges { node { id } } } }"
PLAN = "query($id: ID!) { workoutPlan(id: $id) { id name version isActive exercises { exerciseId sets } } }"
NODE = "query($id: ID!) { node(id: $id) { id } }"
OWNER = "query($id: ID!) { workoutPlan(id: $id) { owner { id email } } }"
VERSIONS = """query($id: ID!) {
  workoutPlan(id: $id) { versions { totalCount edges { node { versionNumber changeDescription } } } }
}"""
NODE_FIELDS = """query($id: ID!) {
  node(id: $id) { ... on WorkoutPlan { owner { id } versions { totalCount } } }
}"""
WATCH = "subscription($planId: ID!) { workoutPlanChanged(planId: $planId) { id version name } }"
UPDATE_PROFILE = """mutation($input: UpdateProfileInput!) {
  updateProfile(input: $input) { user { id displayName } userErrors { field code message } }
}"""
SET_ROLE = """mutation($input: SetUserRoleInput!) {
  setUserRole(input: $input) { user { id role } userErrors { field code message } }
}"""


@dataclass(frozen=True)
class World:
    served: RunningApi
    ada: Session
    bob: Session
    admin: Session
    plan_id: str
    """Ada's plan: two exercises and one saved version."""
    create_command_id: str
    """The command id Ada created her plan with."""
    bob_plan_id: str

    def ids(self, target: str) -> str:
        return {"plan": self.plan_id, "ada": self.ada.user_id}[target]

    def session(self, who: str) -> Session:
        return {"ada": self.ada, "bob": self.bob, "admin": self.admin}[who]

    async def ada_stream(self) -> list[tuple[uuid.UUID, str]]:
        recorded = await self.served.api.core.store.read_stream(workout_plan_stream(raw_id(self.plan_id)))
        return [(record.event_id, record.type) for record in recorded]

    async def ada_plan(self) -> dict[str, Any]:
        plan: dict[str, Any] = (await self.ada.data(PLAN, {"id": self.plan_id}))["workoutPlan"]
        return plan


async def sign_in_again(session: Session) -> Session:
    email = (await session.data(ME))["me"]["email"]
    signed_in = (await data(session.client, LOGIN, {"input": {"email": email, "password": PASSWORD}}))[
        "login"
    ]
    assert signed_in["userErrors"] == []
    tokens = signed_in["tokens"]
    return Session(session.client, session.user_id, tokens["accessToken"], tokens["refreshToken"])


async def mutate(session: Session, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    payload: dict[str, Any] = await session.data(query, variables)
    assert_no_internal_errors(payload)
    return payload


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


# --- reads -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Read:
    query: str
    target: str
    """Whose id the query is given: "plan" (Ada's plan) or "ada" (Ada's user)."""
    seen: Callable[[dict[str, Any], World], bool]
    """Whether `data` shows what the owner may see."""


READS = {
    "workoutPlan": Read(PLAN, "plan", lambda d, w: d["workoutPlan"]["id"] == w.plan_id),
    "node(WorkoutPlan)": Read(NODE, "plan", lambda d, w: d["node"]["id"] == w.plan_id),
    "node(User)": Read(NODE, "ada", lambda d, w: d["node"]["id"] == w.ada.user_id),
    "WorkoutPlan.owner": Read(OWNER, "plan", lambda d, w: d["workoutPlan"]["owner"]["id"] == w.ada.user_id),
    "WorkoutPlan.versions": Read(
        VERSIONS,
        "plan",
        lambda d, _: d["workoutPlan"]["versions"]["edges"][0]["node"]["changeDescription"] == "Week 1",
    ),
    "node(WorkoutPlan).owner+versions": Read(
        NODE_FIELDS,
        "plan",
        lambda d, w: d["node"] == {"owner": {"id": w.ada.user_id}, "versions": {"totalCount": 1}},
    ),
}


@pytest.mark.parametrize("who", ["ada", "admin"])
@pytest.mark.parametrize("entry", READS)
async def test_given_adas_plan_when_she_or_an_admin_reads_it_then_every_entry_point_shows_it(
    world, who, entry
):
    read = READS[entry]
    body = await call(
        world.ada.client, read.query, {"id": world.ids(read.target)}, token=world.session(who).access_token
    )
    assert codes(body) == []
    assert read.seen(body["data"], world)


@pytest.mark.parametrize("entry", READS)
async def test_given_adas_plan_when_bob_reads_it_through_any_entry_point_then_it_is_not_found(world, entry):
    read = READS[entry]
    body = await call(
        world.bob.client, read.query, {"id": world.ids(read.target)}, token=world.bob.access_token
    )
    assert codes(body) == ["NOT_FOUND"]
    leaked = json.dumps(body.get("data"))
    assert raw_id(world.plan_id).hex not in leaked
    assert world.plan_id not in leaked
    assert world.ada.user_id not in leaked
    assert "Ada" not in json.dumps(body)


UNTARGETED = {"me": ME, "workoutPlans": PLANS}


@pytest.mark.parametrize("entry", [*UNTARGETED, *READS])
async def test_given_no_token_when_any_query_is_made_then_it_is_unauthenticated(world, entry):
    if entry in UNTARGETED:
        query, variables = UNTARGETED[entry], {}
    else:
        query, variables = READS[entry].query, {"id": world.ids(READS[entry].target)}
    await unauthenticated(world.ada.client, query, variables)


async def test_given_two_users_when_each_asks_for_me_then_each_gets_only_themselves(world):
    for session in (world.ada, world.bob):
        assert (await session.data(ME))["me"]["id"] == session.user_id


@pytest.mark.parametrize(("who", "own"), [("bob", ["bob_plan_id"]), ("ada", ["plan_id"]), ("admin", [])])
async def test_given_plans_of_several_users_when_one_lists_workout_plans_then_they_see_only_their_own(
    world, who, own
):
    listed = {edge["node"]["id"] for edge in (await world.session(who).data(PLANS))["workoutPlans"]["edges"]}
    everyones = {getattr(world, name) for name in ("plan_id", "bob_plan_id")}
    assert listed & everyones == {getattr(world, name) for name in own}


# --- plan mutations ----------------------------------------------------------------------------------

PLAN_PAYLOAD = "plan { id name version } userErrors { field code message }"


def mutation(name: str, input_type: str) -> str:
    return f"mutation($input: {input_type}!) {{ {name}(input: $input) {{ {PLAN_PAYLOAD} }} }}"


MUTATIONS: dict[str, tuple[str, dict[str, Any]]] = {
    "renameWorkoutPlan": (mutation("renameWorkoutPlan", "RenameWorkoutPlanInput"), {"name": "Bob's now"}),
    "addExercise": (mutation("addExercise", "AddExerciseInput"), {"exercise": exercise("Deadlift")}),
    "updateExercise": (mutation("updateExercise", "UpdateExerciseInput"), {"exerciseId": SQUAT, "sets": 9}),
    "removeExercise": (mutation("removeExercise", "RemoveExerciseInput"), {"exerciseId": SQUAT}),
    "reorderExercises": (
        mutation("reorderExercises", "ReorderExercisesInput"),
        {"exerciseIds": [BENCH, SQUAT]},
    ),
    "createPlanVersion": (
        mutation("createPlanVersion", "CreatePlanVersionInput"),
        {"changeDescription": "Bob was here"},
    ),
    "revertPlanToVersion": (
        mutation("revertPlanToVersion", "RevertPlanToVersionInput"),
        {"versionNumber": 1},
    ),
    "archiveWorkoutPlan": (mutation("archiveWorkoutPlan", "ArchiveWorkoutPlanInput"), {}),
}
ADD = MUTATIONS["addExercise"][0]


@pytest.mark.parametrize("name", MUTATIONS)
async def test_given_adas_plan_when_bob_changes_it_then_it_is_not_found_and_nothing_changes(world, name):
    query, fields = MUTATIONS[name]
    before_events, before_plan = await world.ada_stream(), await world.ada_plan()
    variables = {"input": {"planId": world.plan_id, "expectedVersion": before_plan["version"], **fields}}

    payload = (await mutate(world.bob, query, variables))[name]

    assert payload["plan"] is None
    assert [error["code"] for error in payload["userErrors"]] == ["NOT_FOUND"]
    assert "Ada" not in json.dumps(payload)
    assert await world.ada_stream() == before_events
    assert await world.ada_plan() == before_plan


@pytest.mark.parametrize("name", MUTATIONS)
async def test_given_adas_plan_when_a_change_comes_without_a_token_then_it_is_unauthenticated(world, name):
    query, fields = MUTATIONS[name]
    before_events = await world.ada_stream()
    await unauthenticated(world.ada.client, query, {"input": {"planId": world.plan_id, **fields}})
    assert await world.ada_stream() == before_events


async def test_given_no_token_when_a_plan_is_created_then_it_is_unauthenticated(world):
    await unauthenticated(world.ada.client, CREATE_PLAN, {"input": {"name": "Nobody's"}})


async def test_given_bob_when_he_creates_a_plan_then_it_is_his_and_ada_cannot_see_it(world):
    plan = (await world.bob.data(CREATE_PLAN, {"input": {"name": "Bob's core"}}))["createWorkoutPlan"]["plan"]
    owner = await eventually(
        lambda: call(world.bob.client, OWNER, {"id": plan["id"]}, token=world.bob.access_token),
        lambda body: codes(body) == [] and body["data"]["workoutPlan"]["owner"] is not None,
    )
    assert owner["data"]["workoutPlan"]["owner"]["id"] == world.bob.user_id
    seen_by_ada = await call(world.ada.client, PLAN, {"id": plan["id"]}, token=world.ada.access_token)
    assert codes(seen_by_ada) == ["NOT_FOUND"]


async def test_given_adas_create_command_id_when_bob_sends_it_again_then_he_gets_neither_her_plan_nor_it(
    world,
):
    before_events = await world.ada_stream()
    replay = {"input": {"name": "Bob's copy", "commandId": world.create_command_id}}

    payload = (await mutate(world.bob, CREATE_PLAN, replay))["createWorkoutPlan"]

    assert payload["plan"] is None
    assert [error["code"] for error in payload["userErrors"]] == ["NOT_FOUND"]
    assert "Ada" not in json.dumps(payload)
    assert await world.ada_stream() == before_events


async def test_given_adas_create_command_id_when_she_sends_it_again_then_she_gets_her_plan_once(world):
    before_events = await world.ada_stream()
    again = {"input": {"name": "Ada's legs", "commandId": world.create_command_id}}
    payload = (await mutate(world.ada, CREATE_PLAN, again))["createWorkoutPlan"]
    assert payload["userErrors"] == []
    assert payload["plan"]["id"] == world.plan_id
    assert await world.ada_stream() == before_events


# --- accounts ----------------------------------------------------------------------------------------


async def test_given_two_users_when_bob_updates_his_profile_then_only_his_changes(world):
    ada_before = await world.served.api.accounts.user(raw_id(world.ada.user_id))
    payload = (await mutate(world.bob, UPDATE_PROFILE, {"input": {"displayName": "Bobby"}}))["updateProfile"]
    assert payload == {"user": {"id": world.bob.user_id, "displayName": "Bobby"}, "userErrors": []}
    assert (await world.bob.data(ME))["me"]["displayName"] == "Bobby"
    assert (await world.ada.data(ME))["me"]["displayName"] == "Ada"
    assert await world.served.api.accounts.user(raw_id(world.ada.user_id)) == ada_before


async def test_given_no_token_when_a_profile_is_updated_then_it_is_unauthenticated(world):
    await unauthenticated(world.ada.client, UPDATE_PROFILE, {"input": {"displayName": "Ghost"}})


async def test_given_no_token_when_a_role_is_set_then_it_is_unauthenticated(world):
    await unauthenticated(
        world.ada.client, SET_ROLE, {"input": {"userId": world.bob.user_id, "role": "ADMIN"}}
    )


@pytest.mark.parametrize("target", ["someone else", "themselves"])
@pytest.mark.parametrize("who", ["ada", "bob"])
async def test_given_a_user_who_is_no_admin_when_they_set_a_role_then_it_is_forbidden(world, who, target):
    session = world.session(who)
    victim = await register(session.client, "Cy") if target == "someone else" else session
    body = await call(
        session.client,
        SET_ROLE,
        {"input": {"userId": victim.user_id, "role": "ADMIN"}},
        token=session.access_token,
    )
    assert codes(body) == ["FORBIDDEN"]
    assert body["data"] is None
    assert (await world.served.api.accounts.user(raw_id(victim.user_id))).role is Role.USER


async def test_given_an_admin_when_they_set_a_role_then_it_changes(world):
    cy = await register(world.admin.client, "Cy")
    for role in ("ADMIN", "USER"):
        payload = (await mutate(world.admin, SET_ROLE, {"input": {"userId": cy.user_id, "role": role}}))[
            "setUserRole"
        ]
        assert payload == {"user": {"id": cy.user_id, "role": role}, "userErrors": []}
        assert (await cy.data(ME))["me"]["role"] == role


# --- the subscription --------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["ada", "admin"])
async def test_given_adas_plan_when_she_or_an_admin_subscribes_then_they_get_the_plan(world, who):
    params = {"authorization": f"Bearer {world.session(who).access_token}"}
    async with graphql_ws(world.served.ws_url, params) as live:
        watching = await live.subscribe(WATCH, {"planId": world.plan_id})
        first = (await live.next_data(watching))["workoutPlanChanged"]
        assert first["id"] == world.plan_id


async def test_given_adas_plan_when_bob_subscribes_to_it_then_he_is_refused_with_not_found(world):
    async with graphql_ws(world.served.ws_url, {"authorization": f"Bearer {world.bob.access_token}"}) as live:
        watching = await live.subscribe(WATCH, {"planId": world.plan_id})
        refusal = await live.receive()
        assert_no_internal_errors(refusal)
        assert (refusal["id"], refusal["type"], refusal["payload"]["data"]) == (watching, "next", None)
        assert codes(refusal["payload"]) == ["NOT_FOUND"]
        assert "Ada" not in json.dumps(refusal)
        assert await live.receive() == {"id": watching, "type": "complete"}
        # The connection is still good for Bob's own plan.
        own = await live.subscribe(WATCH, {"planId": world.bob_plan_id})
        assert (await live.next_data(own))["workoutPlanChanged"]["id"] == world.bob_plan_id
