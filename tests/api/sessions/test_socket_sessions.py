"""A WebSocket acts for its session only while the session lives, over both protocols: every operation
on it is checked against the session, the access token's expiry and the user's role as they are now
(the check an HTTP request gets), and the server closes it with 4403 within seconds once the session
ends (logout, expiry, role change), whichever replica the socket is on.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import jwt
import pytest

from adapters.auth.access_tokens import JwtAccessTokens
from application.auth_ports import Session as TokenSession
from domain.users.values import Role
from tests.api.graphql_client import CREATE_PLAN, Session, create_plan, data, register
from tests.api.live_support import codes, eventually, raw_id
from tests.api.server import TEST_SECRET, RunningApi, fresh_database, running_api, test_settings

# Fixtures: imported under their own names, so that pytest finds them in this module.
from tests.api.sessions.session_support import ME, RENAME, WATCH, me, second_device
from tests.api.socket_clients import PROTOCOLS, TRANSPORT, SocketClient, socket_client

SESSION_CHECK_SECONDS = 1.0
LOGOUT = "mutation { logout { ended userErrors { code } } }"
PLAN = "query($id: ID!) { workoutPlan(id: $id) { id name } }"
PLANS = "{ workoutPlans(first: 50) { edges { node { name } } } }"
SET_ROLE = """mutation($input: SetUserRoleInput!) {
  setUserRole(input: $input) { user { id role } userErrors { code } }
}"""


@pytest.fixture(scope="module")
async def served() -> AsyncIterator[RunningApi]:
    """This module's API, whose sockets re-check their session every second (5 s by default)."""
    async with (
        fresh_database() as url,
        running_api(test_settings(url, ws_session_check_seconds=SESSION_CHECK_SECONDS)) as running,
    ):
        yield running


def bearer(token: str) -> dict[str, str]:
    return {"authorization": f"Bearer {token}"}


def refused(answer: dict[str, Any] | None, code: str) -> bool:
    """The server closed the socket instead of answering (None), or answered `code` with no data."""
    if answer is None:
        return True
    return codes(answer) == [code] and not any((answer.get("data") or {}).values())


async def plan_names(session: Session) -> list[str]:
    return [edge["node"]["name"] for edge in (await session.data(PLANS))["workoutPlans"]["edges"]]


def expiring_in(token: str, seconds: int) -> tuple[str, datetime]:
    """An access token for the same session as `token`, issued now by the real JwtAccessTokens with the
    server's secret, but living `seconds` (FITCOACH_ACCESS_TOKEN_MINUTES cannot go below one minute)."""
    claims = jwt.decode(token, options={"verify_signature": False})
    session = TokenSession(UUID(claims["sub"]), Role(claims["role"]), UUID(claims["sid"]))
    issued = JwtAccessTokens(TEST_SECRET, ttl=timedelta(seconds=seconds)).issue(session, datetime.now(UTC))
    return issued.token, issued.expires_at


async def pushed_plan(live: SocketClient, plan_id: str) -> dict[str, Any]:
    first = await live.first_push_or_closed(WATCH, {"planId": plan_id})
    assert first is not None
    assert not first.get("errors"), first
    plan: dict[str, Any] = first["data"]["workoutPlanChanged"]
    return plan


async def probe(live: SocketClient, plan_id: str, code: str) -> None:
    """Everything the socket is asked for now is refused with `code`, or finds it closed: the plan
    (pushed by a subscription) and, over graphql-transport-ws, which also carries queries and
    mutations, `me` and a new plan."""
    watched = await live.first_push_or_closed(WATCH, {"planId": plan_id})
    assert refused(watched, code), watched
    if live.protocol == TRANSPORT:
        assert refused(await live.request_or_closed(ME), code)
        created = await live.request_or_closed(CREATE_PLAN, {"input": {"name": "After the end"}})
        assert refused(created, code), created


@pytest.mark.parametrize("protocol", PROTOCOLS)
@pytest.mark.parametrize("where", ["same server", "other replica"])
async def test_given_a_socket_when_its_session_logs_out_then_it_answers_nothing_more_and_is_closed(
    served, replica, client, replica_client, protocol, where
):
    ada = await register(client, "Ada")
    other_device = await second_device(ada)
    plan = await create_plan(ada, "Ada's")
    server, http = (served, client) if where == "same server" else (replica, replica_client)
    async with socket_client(server.ws_url, protocol, bearer(ada.access_token)) as live:
        assert (await pushed_plan(live, plan["id"]))["id"] == plan["id"]

        assert (await data(client, LOGOUT, token=ada.access_token))["logout"]["ended"]
        # HTTP on the socket's server refuses the token now (at once there, within a moment elsewhere).
        await eventually(lambda: me(http, ada.access_token), lambda body: codes(body) == ["UNAUTHENTICATED"])

        await probe(live, plan["id"], "UNAUTHENTICATED")
        assert await live.closed_with() == 4403
    assert await plan_names(other_device) == ["Ada's"]


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_given_a_socket_watching_a_plan_on_another_replica_when_its_session_ends_then_it_is_closed(
    served, replica, client, protocol
):
    ada = await register(client, "Ada")
    plan = await create_plan(ada, "Watched")
    async with socket_client(replica.ws_url, protocol, bearer(ada.access_token)) as live:
        watching = await live.start(WATCH, {"planId": plan["id"]})
        assert (await live.result(watching))["data"]["workoutPlanChanged"]["id"] == plan["id"]

        assert (await data(client, LOGOUT, token=ada.access_token))["logout"]["ended"]

        # Nothing is sent on the socket: the server notices on its own.
        assert await live.closed_with(timeout=5 * SESSION_CHECK_SECONDS + 2) == 4403


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_given_a_socket_signed_in_with_a_short_lived_token_then_at_its_expiry_it_is_refused_and_closed(
    served, client, protocol
):
    ada = await register(client, "Ada")
    plan = await create_plan(ada, "Before expiry")
    token, expires_at = expiring_in(ada.access_token, seconds=3)
    async with socket_client(served.ws_url, protocol, bearer(token)) as live:
        assert (await pushed_plan(live, plan["id"]))["id"] == plan["id"]

        await asyncio.sleep((expires_at - datetime.now(UTC)).total_seconds() + 0.5)
        await probe(live, plan["id"], "UNAUTHENTICATED")
        assert await live.closed_with() == 4403
    await asyncio.sleep(0.5)  # a plan created after all would be in the read model by now
    assert await plan_names(ada) == ["Before expiry"]


async def admin(served: RunningApi, session: Session) -> None:
    await served.api.accounts.set_role(raw_id(session.user_id), Role.ADMIN)


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_given_an_admins_socket_when_they_are_demoted_then_it_loses_the_admin_rights_at_once_and_closes(
    served, client, protocol
):
    ada, root, boss = [await register(client, name) for name in ("Ada", "Root", "Boss")]
    await admin(served, root)
    await admin(served, boss)
    plan = await create_plan(ada, "Ada's")
    async with socket_client(served.ws_url, protocol, bearer(root.access_token)) as live:
        assert (await pushed_plan(live, plan["id"]))["name"] == "Ada's"

        demoted = await data(
            client, SET_ROLE, {"input": {"userId": root.user_id, "role": "USER"}}, token=boss.access_token
        )
        assert demoted["setUserRole"]["userErrors"] == []

        assert refused(await live.first_push_or_closed(WATCH, {"planId": plan["id"]}), "NOT_FOUND")
        if protocol == TRANSPORT:
            assert refused(await live.request_or_closed(PLAN, {"id": plan["id"]}), "NOT_FOUND")
            renamed = await live.request_or_closed(
                RENAME, {"input": {"planId": plan["id"], "name": "Root's"}}
            )
            assert renamed is None or renamed["data"]["renameWorkoutPlan"]["plan"] is None, renamed
            promoted = await live.request_or_closed(
                SET_ROLE, {"input": {"userId": root.user_id, "role": "ADMIN"}}
            )
            assert refused(promoted, "FORBIDDEN"), promoted
        assert await live.closed_with() == 4403
    assert (await root.data(ME))["me"]["role"] == "USER"
    assert (await ada.data(PLAN, {"id": plan["id"]}))["workoutPlan"]["name"] == "Ada's"
