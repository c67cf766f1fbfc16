"""`JwtAccessTokens`: short-lived access tokens as HS256 JWTs (PyJWT).

HS256 with one server secret: only this service issues and checks access tokens, so a shared secret is
enough and verification is a cheap HMAC. Claims: sub (user id), role, sid (session = refresh family),
iat, exp, jti, iss, aud. Expiry is checked against the wall clock with a small leeway.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

import jwt

from application.auth_errors import AccessTokenExpired, AccessTokenInvalid
from application.auth_ports import AccessClaims, IssuedAccessToken, Session
from domain.users.values import Role

ALGORITHM = "HS256"
MIN_SECRET_BYTES = 32
MAX_TOKEN_LENGTH = 4096
REQUIRED_CLAIMS = ["sub", "role", "sid", "iat", "exp", "jti", "iss", "aud"]


class JwtAccessTokens:
    def __init__(
        self,
        secret: str | bytes,
        *,
        issuer: str = "fitcoach",
        audience: str = "fitcoach-api",
        ttl: timedelta = timedelta(minutes=15),
        leeway: timedelta = timedelta(seconds=30),
    ) -> None:
        key = secret.encode() if isinstance(secret, str) else secret
        if len(key) < MIN_SECRET_BYTES:
            raise ValueError(f"the access-token secret must be at least {MIN_SECRET_BYTES} bytes")
        if ttl <= timedelta(0):
            raise ValueError("the access-token lifetime must be positive")
        self._key = key
        self._issuer = issuer
        self._audience = audience
        self._ttl = ttl
        self._leeway = leeway

    def issue(self, session: Session, now: datetime) -> IssuedAccessToken:
        issued_at = int(now.timestamp())
        expires_at = issued_at + int(self._ttl.total_seconds())
        claims = {
            "sub": str(session.user_id),
            "role": session.role.value,
            "sid": str(session.session_id),
            "iat": issued_at,
            "exp": expires_at,
            "jti": uuid4().hex,
            "iss": self._issuer,
            "aud": self._audience,
        }
        token = jwt.encode(claims, self._key, algorithm=ALGORITHM)
        return IssuedAccessToken(token=token, expires_at=datetime.fromtimestamp(expires_at, UTC))

    def verify(self, token: str) -> AccessClaims:
        if not isinstance(token, str) or not token or len(token) > MAX_TOKEN_LENGTH:
            raise AccessTokenInvalid()
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=[ALGORITHM],
                audience=self._audience,
                issuer=self._issuer,
                leeway=self._leeway,
                options={"require": REQUIRED_CLAIMS},
            )
        except jwt.ExpiredSignatureError:
            raise AccessTokenExpired() from None
        except jwt.PyJWTError:
            raise AccessTokenInvalid() from None
        return _access_claims(claims)


def _access_claims(claims: dict[str, Any]) -> AccessClaims:
    try:
        session = Session(
            user_id=UUID(claims["sub"]), role=Role(claims["role"]), session_id=UUID(claims["sid"])
        )
        return AccessClaims(
            session=session,
            token_id=str(claims["jti"]),
            issued_at=datetime.fromtimestamp(int(claims["iat"]), UTC),
            expires_at=datetime.fromtimestamp(int(claims["exp"]), UTC),
        )
    except (KeyError, TypeError, ValueError, OverflowError):
        raise AccessTokenInvalid() from None
