"""Helpers of the session tests: the operations several of them send, and how a subscription is seen
to end."""

from __future__ import annotations

from typing import Any

import httpx

from tests.api.graphql_client import Session
from tests.api.live_support import call, codes
from tests.api.ws_client import Subscriptions

ME = "{ me { id email displayName role } }"
RENAME = """mutation($input: RenameWorkoutPlanInput!) {
  renameWorkoutPlan(input: $input) { plan { version } userErrors { code } }
}"""
WATCH = "subscription($planId: ID!) { workoutPlanChanged(planId: $planId) { id version name } }"


async def me(http: httpx.AsyncClient, token: str) -> dict[str, Any]:
    return await call(http, ME, token=token)


async def rename(session: Session, plan_id: str, name: str) -> int:
    payload = (await session.data(RENAME, {"input": {"planId": plan_id, "name": name}}))["renameWorkoutPlan"]
    assert payload["userErrors"] == []
    version: int = payload["plan"]["version"]
    return version


async def ended_with(live: Subscriptions, operation_id: str, code: str, *, after_plans: bool = True) -> None:
    """`operation_id` ends with one error of `code`, then completes; `after_plans`: plans pushed to it
    before that are skipped, else the error must come first."""
    while True:
        message = await live.receive(timeout=10)
        assert "INTERNAL_SERVER_ERROR" not in str(message), message
        if message.get("id") != operation_id:
            continue
        assert message["type"] == "next", message
        if "errors" in message["payload"]:
            break
        assert after_plans, f"expected {code}, got {message}"
    assert message["payload"]["data"] is None
    assert codes(message["payload"]) == [code]
    assert await live.receive(timeout=10) == {"id": operation_id, "type": "complete"}
