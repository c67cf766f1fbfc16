"""Sessions over a real socket: fresh and stale access tokens, sign-out, and refresh-token rotation
and reuse (WebSockets whose session ends: test_socket_sessions).

Two API servers share the database and Redis, as replicas do: what ends a session on one must end
it on the other.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from tests.api.graphql_client import CREATE_PLAN, Session, data, register
from tests.api.live_support import codes, eventually, token_like, unauthenticated

# Fixtures: imported under their own names, so that pytest finds them in this module.
from tests.api.sessions.session_support import WATCH, me, rename, second_device
from tests.api.socket_clients import TRANSPORT, socket_client

LOGOUT = "mutation($input: LogoutInput) { logout(input: $input) { ended userErrors { code } } }"
REFRESH = """mutation($input: RefreshTokenInput!) {
  refreshToken(input: $input) { tokens { accessToken refreshToken } userErrors { field code message } }
}"""


def signed_in_as(session: Session) -> Any:
    return lambda body: codes(body) == [] and body["data"]["me"]["id"] == session.user_id


def refused(body: dict[str, Any]) -> bool:
    return codes(body) == ["UNAUTHENTICATED"] and body.get("data") is None


async def refresh(http: httpx.AsyncClient, refresh_token: str) -> dict[str, Any]:
    payload: dict[str, Any] = (await data(http, REFRESH, {"input": {"refreshToken": refresh_token}}))[
        "refreshToken"
    ]
    return payload


async def replica_refuses(http: httpx.AsyncClient, token: str) -> None:
    """The other replica hears of an ended session through Redis: within a moment (bounded here)."""
    await eventually(lambda: me(http, token), refused, within=1.0)


# --- access tokens ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("issued_ago", "secret", "accepted"),
    [
        (timedelta(0), None, True),
        (timedelta(hours=2), None, False),
        (timedelta(0), "another-secret-that-is-long-enough-0123", False),
    ],
    ids=["fresh", "expired", "signed with another secret"],
)
async def test_given_an_access_token_of_a_live_session_then_only_a_fresh_one_signed_by_us_is_accepted(
    client, replica_client, issued_ago, secret, accepted
):
    ada = await register(client, "Ada")
    options = {"secret": secret} if secret else {}
    token = token_like(ada.access_token, issued=datetime.now(UTC) - issued_ago, **options)
    for http in (client, replica_client):
        body = await me(http, token)
        assert signed_in_as(ada)(body) if accepted else refused(body), body


# --- logout ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("with_refresh_token", [True, False], ids=["with its refresh token", "without"])
async def test_given_a_signed_in_user_when_they_log_out_then_their_access_token_is_refused_on_every_replica(
    client, replica_client, with_refresh_token
):
    ada = await register(client, "Ada")
    other_device = await second_device(ada)
    for http in (client, replica_client):  # both replicas have the live session cached
        assert signed_in_as(ada)(await me(http, ada.access_token))

    variables = {"input": {"refreshToken": ada.refresh_token}} if with_refresh_token else {}
    logout = (await data(client, LOGOUT, variables, token=ada.access_token))["logout"]

    assert logout == {"ended": True, "userErrors": []}
    assert refused(await me(client, ada.access_token))
    await replica_refuses(replica_client, ada.access_token)
    assert (await refresh(client, ada.refresh_token))["tokens"] is None
    for http in (client, replica_client):  # the other device's session is a session of its own
        assert signed_in_as(ada)(await me(http, other_device.access_token))


async def test_given_a_live_websocket_when_its_session_logs_out_then_its_subscriptions_end_and_it_is_closed(
    served, client
):
    ada = await register(client, "Ada")
    other_device = await second_device(ada)
    plan = (await ada.data(CREATE_PLAN, {"input": {"name": "Watched"}}))["createWorkoutPlan"]["plan"]
    async with socket_client(
        served.ws_url, TRANSPORT, {"authorization": f"Bearer {ada.access_token}"}
    ) as live:
        running = await live.start(WATCH, {"planId": plan["id"]})
        assert (await live.result(running))["data"]["workoutPlanChanged"]["id"] == plan["id"]

        assert (await data(client, LOGOUT, token=ada.access_token))["logout"]["ended"]

        late = await live.first_push_or_closed(WATCH, {"planId": plan["id"]})
        assert late is None or (late["data"] is None and codes(late) == ["UNAUTHENTICATED"]), late
        await rename(other_device, plan["id"], "Changed on the other device")
        assert await live.closed_with() == 4403  # and nothing was pushed to it before


async def test_given_no_access_token_when_logging_out_without_a_refresh_token_then_it_is_unauthenticated(
    client,
):
    await unauthenticated(client, LOGOUT)


async def test_given_an_unknown_refresh_token_when_logging_out_then_nothing_ends(client):
    ada = await register(client, "Ada")
    logout = (await data(client, LOGOUT, {"input": {"refreshToken": "not-a-refresh-token"}}))["logout"]
    assert logout == {"ended": False, "userErrors": []}
    assert signed_in_as(ada)(await me(client, ada.access_token))


# --- refresh-token rotation and reuse ----------------------------------------------------------------


async def test_given_a_rotated_refresh_token_when_it_is_used_again_then_its_whole_family_is_revoked(
    client, replica_client
):
    ada = await register(client, "Ada")
    other_device = await second_device(ada)
    rotated = await refresh(client, ada.refresh_token)
    assert rotated["userErrors"] == []
    # Its successor is used too, so the old token coming back is no repeat within the reuse interval.
    rotated_again = await refresh(client, rotated["tokens"]["refreshToken"])
    assert rotated_again["userErrors"] == []
    newest = rotated_again["tokens"]
    for http in (client, replica_client):
        for token in (ada.access_token, newest["accessToken"]):
            assert signed_in_as(ada)(await me(http, token))

    reused = await refresh(client, ada.refresh_token)

    assert reused["tokens"] is None
    assert [error["code"] for error in reused["userErrors"]] == ["REFRESH_TOKEN_REUSED"]
    for token in (ada.access_token, newest["accessToken"]):
        assert refused(await me(client, token))
        await replica_refuses(replica_client, token)
    after = await refresh(client, newest["refreshToken"])
    assert after["tokens"] is None
    assert [error["code"] for error in after["userErrors"]] == ["REFRESH_TOKEN_REVOKED"]
    for http in (client, replica_client):  # another family is untouched
        assert signed_in_as(ada)(await me(http, other_device.access_token))
    assert (await refresh(client, other_device.refresh_token))["userErrors"] == []
