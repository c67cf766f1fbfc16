"""Helpers of the session tests: the operations several of them send, and a second sign-in."""

from __future__ import annotations

from typing import Any

import httpx

from tests.api.graphql_client import Session, data
from tests.api.live_support import PASSWORD, call

ME = "{ me { id email displayName role } }"
RENAME = """mutation($input: RenameWorkoutPlanInput!) {
  renameWorkoutPlan(input: $input) { plan { version } userErrors { code } }
}"""
WATCH = "subscription($planId: ID!) { workoutPlanChanged(planId: $planId) { id version name } }"
LOGIN = """mutation($input: LoginInput!) {
  login(input: $input) { user { id } tokens { accessToken refreshToken } userErrors { code } }
}"""


async def me(http: httpx.AsyncClient, token: str) -> dict[str, Any]:
    return await call(http, ME, token=token)


async def second_device(session: Session) -> Session:
    """Another sign-in of the same user: a session of its own."""
    email = (await session.data(ME))["me"]["email"]
    payload = (await data(session.client, LOGIN, {"input": {"email": email, "password": PASSWORD}}))["login"]
    assert payload["userErrors"] == []
    tokens = payload["tokens"]
    return Session(session.client, session.user_id, tokens["accessToken"], tokens["refreshToken"])


async def rename(session: Session, plan_id: str, name: str) -> int:
    payload = (await session.data(RENAME, {"input": {"planId": plan_id, "name": name}}))["renameWorkoutPlan"]
    assert payload["userErrors"] == []
    version: int = payload["plan"]["version"]
    return version
