"""Access tokens: short-lived HS256 JWTs with the claims the API needs, and nothing else gets through."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import jwt
import pytest

from adapters.auth.access_tokens import JwtAccessTokens
from application.auth_errors import AccessTokenExpired, AccessTokenInvalid
from application.auth_ports import Session
from domain.users.values import Role
from tests.accounts.conftest import SECRET

SESSION = Session(user_id=uuid.uuid4(), role=Role.ADMIN, session_id=uuid.uuid4())


def test_a_token_carries_the_session_and_standard_claims():
    tokens = JwtAccessTokens(SECRET, issuer="fitcoach", audience="fitcoach-api", ttl=timedelta(minutes=15))
    now = datetime.now(UTC)
    issued = tokens.issue(SESSION, now)

    claims = tokens.verify(issued.token)
    raw = jwt.decode(issued.token, SECRET, algorithms=["HS256"], audience="fitcoach-api")

    assert claims.session == SESSION
    assert claims.expires_at == issued.expires_at
    assert issued.expires_at - claims.issued_at == timedelta(minutes=15)
    assert raw["sub"] == str(SESSION.user_id)
    assert raw["role"] == "admin"
    assert raw["sid"] == str(SESSION.session_id)
    assert raw["iss"] == "fitcoach"
    assert raw["aud"] == "fitcoach-api"
    assert claims.token_id == raw["jti"]
    assert tokens.issue(SESSION, now).token != issued.token, "every token has its own jti"


def test_an_expired_token_is_refused_as_expired():
    tokens = JwtAccessTokens(SECRET, ttl=timedelta(minutes=15), leeway=timedelta(seconds=30))
    issued = tokens.issue(SESSION, datetime.now(UTC) - timedelta(minutes=16))
    with pytest.raises(AccessTokenExpired) as expired:
        tokens.verify(issued.token)
    assert expired.value.code == "ACCESS_TOKEN_EXPIRED"


def forge(claims: dict[str, Any], key: str = SECRET, algorithm: str = "HS256") -> str:
    now = int(datetime.now(UTC).timestamp())
    base = {
        "sub": str(SESSION.user_id),
        "role": "user",
        "sid": str(SESSION.session_id),
        "iat": now,
        "exp": now + 600,
        "jti": "j",
        "iss": "fitcoach",
        "aud": "fitcoach-api",
    }
    payload = {key_: value for key_, value in {**base, **claims}.items() if value is not None}
    return jwt.encode(payload, key if algorithm != "none" else "", algorithm=algorithm)


@pytest.mark.parametrize(
    "token",
    [
        forge({}, key="another-secret-that-is-also-32-bytes-long"),
        forge({"aud": "someone-else"}),
        forge({"iss": "someone-else"}),
        forge({"role": "root"}),
        forge({"sub": "not-a-uuid"}),
        forge({"sid": None}),
        forge({"jti": None}),
        forge({}, algorithm="none"),
        forge({})[:-4] + "AAAA",
        "not a token",
        "",
        "x" * 5000,
    ],
    ids=[
        "other secret",
        "wrong audience",
        "wrong issuer",
        "unknown role",
        "bad subject",
        "no session",
        "no token id",
        "alg none",
        "tampered",
        "garbage",
        "empty",
        "huge",
    ],
)
def test_anything_but_our_own_valid_token_is_invalid(token):
    with pytest.raises(AccessTokenInvalid) as invalid:
        JwtAccessTokens(SECRET).verify(token)
    assert invalid.value.code == "ACCESS_TOKEN_INVALID"


def test_a_well_formed_forgery_with_our_secret_is_exactly_what_the_secret_protects():
    assert JwtAccessTokens(SECRET).verify(forge({})).session.role is Role.USER


def test_a_short_secret_is_refused_at_start_up():
    with pytest.raises(ValueError, match="at least 32 bytes"):
        JwtAccessTokens("too short")
