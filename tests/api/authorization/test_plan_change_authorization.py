"""Who may change a plan, over a real socket: Bob's change to Ada's plan, or his replay of the command
she created it with, is NOT_FOUND and writes nothing; without a token every change is unauthenticated;
a plan Bob creates is his alone, and Ada's own replay gets her the same plan once.
"""

from __future__ import annotations

import json

import pytest

# Fixtures: imported under their own names, so that pytest finds them in this module.
from tests.api.authorization.authorization_support import MUTATIONS, OWNER, PLAN, mutate
from tests.api.graphql_client import CREATE_PLAN
from tests.api.live_support import call, codes, eventually, unauthenticated


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
