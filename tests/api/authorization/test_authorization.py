"""Who may read what, entry point by entry point, over a real socket: every query and field on Ada's
plan and account shows it to her and to an admin, is NOT_FOUND to Bob (so ids cannot be probed) and
is unauthenticated without a token; a list or `me` shows each user only their own.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

# Fixtures: imported under their own names, so that pytest finds them in this module.
from tests.api.authorization.authorization_support import ME, OWNER, PLAN, PLANS, World
from tests.api.live_support import call, codes, raw_id, unauthenticated

NODE = "query($id: ID!) { node(id: $id) { id } }"
VERSIONS = """query($id: ID!) {
  workoutPlan(id: $id) { versions { totalCount edges { node { versionNumber changeDescription } } } }
}"""
HISTORY = """query($id: ID!) {
  workoutPlan(id: $id) { history { totalCount edges { node { version type actor summary } } } }
}"""
NODE_FIELDS = """query($id: ID!) {
  node(id: $id) { ... on WorkoutPlan { owner { id } versions { totalCount } } }
}"""


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
    "WorkoutPlan.history": Read(
        HISTORY,
        "plan",
        lambda d, _: (
            [edge["node"]["type"] for edge in d["workoutPlan"]["history"]["edges"]][:2]
            == ["WorkoutPlanCreated", "ExerciseAdded"]
        ),
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
