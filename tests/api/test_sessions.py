"""Sessions over a real socket: sign-out, refresh-token rotation and reuse, role changes, the profile,
and sign-in with a Google ID token checked against a locally served JWKS.

Two API servers share the database and Redis, as replicas do: what ends a session on one must end
it on the other.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import jwt
import pytest

from domain.users.values import Role
from tests.accounts.jwks_server import CLIENT_ID, JwksServer, SigningKey, id_token_claims
from tests.api.graphql_client import CREATE_PLAN, Session, data, register
from tests.api.live_support import (
    PASSWORD,
    call,
    codes,
    eventually,
    raw_id,
    server_errors_fail_the_test,
    token_like,
    unauthenticated,
)
from tests.api.server import RunningApi, fresh_database, running_api, test_settings
from tests.api.ws_client import Subscriptions, graphql_ws

ME = "{ me { id email displayName role } }"
LOGIN = """mutation($input: LoginInput!) {
  login(input: $input) { user { id } tokens { accessToken refreshToken } userErrors { code } }
}"""
LOGOUT = "mutation($input: LogoutInput) { logout(input: $input) { ended userErrors { code } } }"
REFRESH = """mutation($input: RefreshTokenInput!) {
  refreshToken(input: $input) { tokens { accessToken refreshToken } userErrors { field code message } }
}"""
PLAN = "query($id: ID!) { workoutPlan(id: $id) { id name } }"
RENAME = """mutation($input: RenameWorkoutPlanInput!) {
  renameWorkoutPlan(input: $input) { plan { version } userErrors { code } }
}"""
WATCH = "subscription($planId: ID!) { workoutPlanChanged(planId: $planId) { id version name } }"
SET_ROLE = """mutation($input: SetUserRoleInput!) {
  setUserRole(input: $input) { user { id role } userErrors { code } }
}"""
PROFILE_FIELDS = """id displayName dateOfBirth gender heightCm weightKg fitnessLevel preferences
goals injuries availableEquipment"""
UPDATE_PROFILE = f"""mutation($input: UpdateProfileInput!) {{
  updateProfile(input: $input) {{ user {{ {PROFILE_FIELDS} }} userErrors {{ field code message }} }}
}}"""
PROFILE = f"{{ me {{ {PROFILE_FIELDS} }} }}"
SIGN_IN = """mutation($input: SignInWithIdTokenInput!) {
  signInWithIdToken(input: $input) {
    user { id email displayName }
    tokens { accessToken refreshToken tokenType }
    userErrors { field code message }
  }
}"""


@pytest.fixture(autouse=True)
def no_server_errors() -> Iterator[None]:
    with server_errors_fail_the_test():
        yield


@pytest.fixture(scope="module")
def signing_key() -> SigningKey:
    return SigningKey.rsa()


@pytest.fixture(scope="module")
def jwks(signing_key: SigningKey) -> Iterator[JwksServer]:
    server = JwksServer(published=[signing_key])
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
async def served(jwks: JwksServer) -> AsyncIterator[RunningApi]:
    """This module's API: the conftest one, plus Google sign-in against the local JWKS."""
    settings_for = {"google_client_ids": [CLIENT_ID], "google_jwks_url": jwks.url}
    async with fresh_database() as url, running_api(test_settings(url, **settings_for)) as running:
        yield running


@pytest.fixture(scope="module")
async def replica(served: RunningApi) -> AsyncIterator[RunningApi]:
    """A second server on the same database and Redis prefix."""
    async with running_api(served.api.settings) as second:
        yield second


@pytest.fixture
async def replica_client(replica: RunningApi) -> AsyncIterator[httpx.AsyncClient]:
    async with replica.client() as http:
        yield http


async def me(http: httpx.AsyncClient, token: str) -> dict[str, Any]:
    return await call(http, ME, token=token)


def signed_in_as(session: Session) -> Any:
    return lambda body: codes(body) == [] and body["data"]["me"]["id"] == session.user_id


def refused(body: dict[str, Any]) -> bool:
    return codes(body) == ["UNAUTHENTICATED"] and body.get("data") is None


async def second_device(session: Session) -> Session:
    """Another sign-in of the same user: a session of its own."""
    email = (await session.data(ME))["me"]["email"]
    payload = (await data(session.client, LOGIN, {"input": {"email": email, "password": PASSWORD}}))["login"]
    assert payload["userErrors"] == []
    tokens = payload["tokens"]
    return Session(session.client, session.user_id, tokens["accessToken"], tokens["refreshToken"])


async def refresh(http: httpx.AsyncClient, refresh_token: str) -> dict[str, Any]:
    payload: dict[str, Any] = (await data(http, REFRESH, {"input": {"refreshToken": refresh_token}}))[
        "refreshToken"
    ]
    return payload


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


async def test_given_a_live_websocket_when_its_session_logs_out_then_its_subscriptions_end_unauthenticated(
    served, client
):
    ada = await register(client, "Ada")
    other_device = await second_device(ada)
    plan = (await ada.data(CREATE_PLAN, {"input": {"name": "Watched"}}))["createWorkoutPlan"]["plan"]
    async with graphql_ws(served.ws_url, {"authorization": f"Bearer {ada.access_token}"}) as live:
        running = await live.subscribe(WATCH, {"planId": plan["id"]})
        assert (await live.next_data(running))["workoutPlanChanged"]["id"] == plan["id"]

        assert (await data(client, LOGOUT, token=ada.access_token))["logout"]["ended"]

        late = await live.subscribe(WATCH, {"planId": plan["id"]})
        await ended_with(live, late, "UNAUTHENTICATED", after_plans=False)
        await rename(other_device, plan["id"], "Changed on the other device")
        await ended_with(live, running, "UNAUTHENTICATED")


async def test_given_an_admin_watching_adas_plan_when_they_are_demoted_then_the_subscription_ends(
    served, client
):
    ada, root = await register(client, "Ada"), await register(client, "Root")
    await served.api.accounts.set_role(raw_id(root.user_id), Role.ADMIN)
    plan = (await ada.data(CREATE_PLAN, {"input": {"name": "Ada's, watched"}}))["createWorkoutPlan"]["plan"]
    async with graphql_ws(served.ws_url, {"authorization": f"Bearer {root.access_token}"}) as live:
        watching = await live.subscribe(WATCH, {"planId": plan["id"]})
        version = await rename(ada, plan["id"], "Seen by the admin")
        while (await live.next_data(watching))["workoutPlanChanged"]["version"] < version:
            pass

        await served.api.accounts.set_role(raw_id(root.user_id), Role.USER)
        await rename(ada, plan["id"], "Not seen any more")

        await ended_with(live, watching, "NOT_FOUND")


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
    newest = rotated["tokens"]
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


# --- role changes ------------------------------------------------------------------------------------


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


# --- the profile -------------------------------------------------------------------------------------

FULL_PROFILE = {
    "displayName": "Ada L.",
    "dateOfBirth": "1990-12-10",
    "gender": "female",
    "heightCm": 170.5,
    "weightKg": 62.25,
    "fitnessLevel": "intermediate",
    "preferences": {"units": "metric", "reminders": True, "sessionsPerWeek": 3, "coachTone": None},
    "goals": ["run a 10k", "deadlift 100 kg"],
    "injuries": ["left knee"],
    "availableEquipment": ["barbell", "kettlebell"],
}


async def test_given_a_user_when_they_update_every_profile_field_then_it_round_trips_and_clear_resets(client):
    ada = await register(client, "Ada")

    updated = (await ada.data(UPDATE_PROFILE, {"input": FULL_PROFILE}))["updateProfile"]

    assert updated["userErrors"] == []
    assert updated["user"] == {"id": ada.user_id, **FULL_PROFILE}
    assert (await ada.data(PROFILE))["me"] == updated["user"]

    cleared = (
        await ada.data(
            UPDATE_PROFILE, {"input": {"clear": ["dateOfBirth", "gender", "heightCm", "weightKg"]}}
        )
    )["updateProfile"]
    emptied = (await ada.data(UPDATE_PROFILE, {"input": {"preferences": {}, "goals": [], "injuries": []}}))[
        "updateProfile"
    ]

    assert cleared["userErrors"] == emptied["userErrors"] == []
    expected = {
        **FULL_PROFILE,
        "dateOfBirth": None,
        "gender": None,
        "heightCm": None,
        "weightKg": None,
        "preferences": {},
        "goals": [],
        "injuries": [],
    }
    assert (await ada.data(PROFILE))["me"] == {"id": ada.user_id, **expected}


@pytest.mark.parametrize(
    ("bad", "field", "code"),
    [
        ({"gender": "robot"}, "input.gender", "BAD_USER_INPUT"),
        ({"fitnessLevel": "godlike"}, "input.fitnessLevel", "BAD_USER_INPUT"),
        ({"preferences": ["units", "metric"]}, "input.preferences", "BAD_USER_INPUT"),
        ({"preferences": "metric"}, "input.preferences", "BAD_USER_INPUT"),
        ({"preferences": {"nested": {"too": "deep"}}}, "input.preferences.nested", "VALIDATION"),
        ({"heightCm": -1}, "input.heightCm", "VALIDATION"),
        ({"weightKg": 0}, "input.weightKg", "VALIDATION"),
        ({"dateOfBirth": "2999-01-01"}, "input.dateOfBirth", "VALIDATION"),
        ({"clear": ["goals"]}, "input.clear", "VALIDATION"),
        ({"clear": ["heightCm"], "heightCm": 180}, "input.clear", "VALIDATION"),
        ({"expectedVersion": 999}, None, "CONFLICT"),
    ],
    ids=lambda value: str(value) if isinstance(value, dict) else None,
)
async def test_given_a_bad_profile_value_then_it_is_a_user_error_and_nothing_changes(
    client, bad, field, code
):
    ada = await register(client, "Ada")
    before = (await ada.data(PROFILE))["me"]

    body = await call(
        client, UPDATE_PROFILE, {"input": {"displayName": "Changed", **bad}}, token=ada.access_token
    )

    assert "errors" not in body, body["errors"]
    payload = body["data"]["updateProfile"]
    assert payload["user"] is None
    assert [(error["field"], error["code"]) for error in payload["userErrors"]] == [(field, code)]
    assert (await ada.data(PROFILE))["me"] == before


# --- sign-in with an ID token ------------------------------------------------------------------------


def google_sign_in(id_token: str, provider: str = "GOOGLE") -> dict[str, Any]:
    return {"input": {"provider": provider, "idToken": id_token}}


async def test_given_a_valid_google_id_token_then_a_new_user_is_signed_in_and_found_again_later(
    client, replica_client, signing_key
):
    subject, email = f"google-{time.time_ns()}", f"ada.{time.time_ns()}@example.com"
    token = signing_key.sign(id_token_claims(subject, email=email, name="Ada Lovelace"))

    first = (await data(client, SIGN_IN, google_sign_in(token)))["signInWithIdToken"]

    assert first["userErrors"] == []
    assert (first["user"]["email"], first["user"]["displayName"]) == (email, "Ada Lovelace")
    assert first["tokens"]["tokenType"].lower() == "bearer"
    for http in (client, replica_client):
        body = await me(http, first["tokens"]["accessToken"])
        assert codes(body) == []
        assert body["data"]["me"]["id"] == first["user"]["id"]
    again = (await data(replica_client, SIGN_IN, google_sign_in(token)))["signInWithIdToken"]
    assert again["userErrors"] == []
    assert again["user"]["id"] == first["user"]["id"]
    assert again["tokens"]["refreshToken"] != first["tokens"]["refreshToken"]


def forged(key: SigningKey) -> str:
    impostor = SigningKey.rsa()
    impostor.kid = key.kid
    return impostor.sign(id_token_claims(f"forged-{time.time_ns()}"))


@pytest.mark.parametrize(
    ("make_token", "provider", "code"),
    [
        (forged, "GOOGLE", "ID_TOKEN_BAD_SIGNATURE"),
        (lambda key: key.sign(id_token_claims())[:-6] + "AAAAAA", "GOOGLE", "ID_TOKEN_BAD_SIGNATURE"),
        (lambda key: key.sign(id_token_claims(aud="someone-elses-app")), "GOOGLE", "ID_TOKEN_WRONG_AUDIENCE"),
        (
            lambda key: jwt.encode(id_token_claims(), "", "none", {"kid": key.kid}),
            "GOOGLE",
            "ID_TOKEN_INVALID",
        ),
        (lambda key: "not.a.jwt", "GOOGLE", "ID_TOKEN_INVALID"),
        (lambda key: key.sign(id_token_claims()), "APPLE", "IDENTITY_PROVIDER_NOT_CONFIGURED"),
    ],
    ids=["signed by another key", "tampered signature", "wrong audience", "alg none", "garbage", "apple"],
)
async def test_given_a_bad_id_token_then_sign_in_is_a_user_error(
    client, signing_key, make_token, provider, code
):
    body = await call(client, SIGN_IN, google_sign_in(make_token(signing_key), provider))
    assert "errors" not in body, body["errors"]
    payload = body["data"]["signInWithIdToken"]
    assert (payload["user"], payload["tokens"]) == (None, None)
    assert [error["code"] for error in payload["userErrors"]] == [code]
