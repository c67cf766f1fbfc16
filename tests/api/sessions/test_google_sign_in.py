"""Sign-in with a Google ID token over a real socket, checked against a locally served JWKS: a valid
token signs a new user in and finds them again later, on either replica; a bad one is a user error.
"""

from __future__ import annotations

import time
from typing import Any

import jwt
import pytest

from tests.accounts.jwks_server import SigningKey, id_token_claims
from tests.api.graphql_client import data
from tests.api.live_support import call, codes

# Fixtures: imported under their own names, so that pytest finds them in this module.
from tests.api.sessions.session_support import me

SIGN_IN = """mutation($input: SignInWithIdTokenInput!) {
  signInWithIdToken(input: $input) {
    user { id email displayName }
    tokens { accessToken refreshToken tokenType }
    userErrors { field code message }
  }
}"""


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
