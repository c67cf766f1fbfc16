"""Who may change an account, over a real socket: a user's profile update changes only their own,
only an admin may set a role (anyone else, on anyone, is FORBIDDEN), and neither works without a token.
"""

from __future__ import annotations

import uuid

import pytest

from domain.users.values import Role
from schema.ids import global_id

# Fixtures: imported under their own names, so that pytest finds them in this module.
from tests.api.authorization.authorization_support import ME, mutate
from tests.api.graphql_client import register
from tests.api.live_support import call, codes, raw_id, unauthenticated

UPDATE_PROFILE = """mutation($input: UpdateProfileInput!) {
  updateProfile(input: $input) { user { id displayName } userErrors { field code message } }
}"""
SET_ROLE = """mutation($input: SetUserRoleInput!) {
  setUserRole(input: $input) { user { id role } userErrors { field code message } }
}"""


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


FORGET = """mutation($input: ForgetUserInput!) {
  forgetUser(input: $input) { forgotten { userId keyDeleted } userErrors { field code message } }
}"""


async def test_given_no_token_when_a_user_is_forgotten_then_it_is_unauthenticated(world):
    await unauthenticated(world.ada.client, FORGET, {"input": {"userId": world.bob.user_id}})


@pytest.mark.parametrize("target", ["someone else", "themselves"])
async def test_given_a_user_who_is_no_admin_when_they_forget_a_user_then_it_is_forbidden(world, target):
    cy = await register(world.ada.client, "Cy")
    victim = cy if target == "someone else" else world.ada
    body = await call(
        world.ada.client, FORGET, {"input": {"userId": victim.user_id}}, token=world.ada.access_token
    )
    assert codes(body) == ["FORBIDDEN"]
    assert body["data"] is None
    assert (await victim.data(ME))["me"]["id"] == victim.user_id


async def test_given_an_admin_when_they_forget_an_unknown_user_then_it_is_a_user_error(world):
    unknown = global_id("User", uuid.uuid4())
    payload = (await mutate(world.admin, FORGET, {"input": {"userId": unknown}}))["forgetUser"]
    assert payload["forgotten"] is None
    assert [error["code"] for error in payload["userErrors"]] == ["USER_NOT_FOUND"]
