"""ID-token sign-in over a real socket: an unstated `email_verified` is unverified, and the `nonce` the
client sends is checked by each provider's rule (Google: the claim is the nonce; Apple: its SHA-256, hex).
"""

from __future__ import annotations

import hashlib
import secrets
import time
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest

from tests.accounts.jwks_server import CLIENT_ID, JwksServer, id_token_claims
from tests.api.live_support import call
from tests.api.server import RunningApi, fresh_database, running_api, test_settings

# Fixtures: imported under their own names, so that pytest finds them in this module.

APPLE_ISSUER = "https://appleid.apple.com"
SIGN_IN = """mutation($input: SignInWithIdTokenInput!) {
  signInWithIdToken(input: $input) { user { id email } tokens { accessToken } userErrors { field code } }
}"""


@pytest.fixture(scope="module")
async def served(jwks: JwksServer) -> AsyncIterator[RunningApi]:
    """Google and Apple sign-in, both checked against the local JWKS."""
    providers = {
        "google_client_ids": [CLIENT_ID],
        "google_jwks_url": jwks.url,
        "apple_client_ids": [CLIENT_ID],
        "apple_jwks_url": jwks.url,
    }
    async with fresh_database() as url, running_api(test_settings(url, **providers)) as running:
        yield running


def new_person() -> dict[str, Any]:
    stamp = time.time_ns()
    return {"subject": f"subject-{stamp}", "email": f"person.{stamp}@example.com"}


async def sign_in(
    client: httpx.AsyncClient, token: str, *, provider: str = "GOOGLE", nonce: str | None = None
) -> dict[str, Any]:
    variables: dict[str, Any] = {"provider": provider, "idToken": token}
    if nonce is not None:
        variables["nonce"] = nonce
    body = await call(client, SIGN_IN, {"input": variables})
    assert "errors" not in body, body["errors"]
    payload: dict[str, Any] = body["data"]["signInWithIdToken"]
    return payload


def refused_with(payload: dict[str, Any]) -> list[str]:
    assert (payload["user"], payload["tokens"]) == (None, None), payload
    return [error["code"] for error in payload["userErrors"]]


def signed_in(payload: dict[str, Any]) -> bool:
    return bool(payload["userErrors"] == [] and payload["tokens"]["accessToken"])


async def test_a_token_that_does_not_say_the_email_is_verified_cannot_create_an_account(client, signing_key):
    token = signing_key.sign(id_token_claims(**new_person(), email_verified=None))

    assert refused_with(await sign_in(client, token)) == ["ID_TOKEN_EMAIL_UNVERIFIED"]


@pytest.mark.parametrize("flag", [True, "true"], ids=["boolean", "Apple's text"])
async def test_a_token_that_says_the_email_is_verified_creates_the_account(client, signing_key, flag):
    assert signed_in(
        await sign_in(client, signing_key.sign(id_token_claims(**new_person(), email_verified=flag)))
    )


async def test_a_google_token_whose_nonce_is_the_one_sent_signs_in(client, signing_key):
    nonce = secrets.token_urlsafe(24)
    token = signing_key.sign(id_token_claims(**new_person(), nonce=nonce))

    assert signed_in(await sign_in(client, token, nonce=nonce))


@pytest.mark.parametrize(
    ("claim", "sent"),
    [
        ("nonce-the-app-made", "another-nonce"),
        (hashlib.sha256(b"nonce-the-app-made").hexdigest(), "nonce-the-app-made"),
        (None, "nonce-the-app-made"),
        ("nonce-the-app-made", None),
    ],
    ids=["another nonce", "hashed (Google carries the nonce as sent)", "token without one", "none sent"],
)
async def test_a_google_token_with_a_nonce_other_than_the_one_sent_is_refused(
    client, signing_key, claim, sent
):
    token = signing_key.sign(id_token_claims(**new_person(), nonce=claim))

    assert refused_with(await sign_in(client, token, nonce=sent)) == ["ID_TOKEN_NONCE_MISMATCH"]


async def test_an_apple_token_carries_the_sha256_of_the_nonce_sent(client, signing_key):
    nonce = secrets.token_urlsafe(24)
    person = new_person()
    hashed = signing_key.sign(
        id_token_claims(**person, iss=APPLE_ISSUER, nonce=hashlib.sha256(nonce.encode()).hexdigest())
    )
    raw = signing_key.sign(id_token_claims(**new_person(), iss=APPLE_ISSUER, nonce=nonce))

    assert signed_in(await sign_in(client, hashed, provider="APPLE", nonce=nonce))
    assert refused_with(await sign_in(client, raw, provider="APPLE", nonce=nonce)) == [
        "ID_TOKEN_NONCE_MISMATCH"
    ]
    assert refused_with(await sign_in(client, hashed, provider="APPLE")) == ["ID_TOKEN_NONCE_MISMATCH"]


async def test_an_overlong_nonce_is_refused_without_a_server_error(client, signing_key):
    token = signing_key.sign(id_token_claims(**new_person(), nonce="n" * 600))

    assert refused_with(await sign_in(client, token, nonce="n" * 600)) == ["ID_TOKEN_NONCE_MISMATCH"]
