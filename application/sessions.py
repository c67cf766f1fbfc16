"""Starting and rotating sessions: an access token (JWT) plus an opaque refresh token.

A refresh token is `secrets.token_urlsafe(32)` handed to the client; only its SHA-256 is stored, and its
successor sealed under it (see refresh_successors), so that a repeat within the reuse interval gets the
same successor.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from uuid import uuid4

from application.auth_errors import RefreshTokenInvalid
from application.auth_ports import AccessTokens, NewRefreshToken, RefreshFamily, RefreshTokens, Session
from application.refresh_successors import seal, unseal
from domain.users import User

MAX_REFRESH_TOKEN_LENGTH = 256


@dataclass(frozen=True, slots=True)
class TokenPair:
    access_token: str = field(repr=False)
    access_expires_at: datetime
    refresh_token: str = field(repr=False)
    refresh_expires_at: datetime
    token_type: str = "Bearer"


@dataclass(frozen=True, slots=True)
class SignedIn:
    user: User
    session: Session
    tokens: TokenPair


def refresh_token_hash(token: str) -> bytes:
    """The stored form of a refresh token; RefreshTokenInvalid for what cannot be one of ours."""
    if not isinstance(token, str) or not 0 < len(token) <= MAX_REFRESH_TOKEN_LENGTH or not token.isascii():
        raise RefreshTokenInvalid()
    return hashlib.sha256(token.encode("ascii")).digest()


class SessionTokens:
    def __init__(
        self,
        access_tokens: AccessTokens,
        refresh_tokens: RefreshTokens,
        refresh_ttl: timedelta,
        reuse_interval: timedelta = timedelta(0),
    ):
        self._access_tokens = access_tokens
        self._refresh_tokens = refresh_tokens
        self._refresh_ttl = refresh_ttl
        self._reuse_interval = reuse_interval

    async def start(self, user: User, now: datetime) -> SignedIn:
        """A new session (a new refresh-token family) for a user who just proved who they are."""
        refresh_token, new_token = self._new_refresh_token(now)
        family = await self._refresh_tokens.start_family(user.user_id, new_token)
        return self.signed_in(user, family, refresh_token, new_token, now)

    async def rotate(self, presented: str, now: datetime) -> tuple[RefreshFamily, str, NewRefreshToken]:
        """Swap a refresh token for its successor (the same one again for a repeat within the reuse
        interval); raises the RefreshToken* errors."""
        presented_hash = refresh_token_hash(presented)
        refresh_token, new_token = self._new_refresh_token(now)
        sealed = seal(refresh_token, under=presented, successor_id=new_token.token_id)
        rotation = await self._refresh_tokens.rotate(
            presented_hash, new_token, sealed, now, reuse_interval=self._reuse_interval
        )
        if rotation.repeated_seal is None:
            return rotation.family, refresh_token, new_token
        successor = unseal(rotation.repeated_seal, under=presented, successor_id=rotation.successor.token_id)
        if successor is None or refresh_token_hash(successor) != rotation.successor.token_hash:
            raise RefreshTokenInvalid()  # only a seal altered in the database gets here
        return rotation.family, successor, rotation.successor

    def signed_in(
        self, user: User, family: RefreshFamily, refresh_token: str, new_token: NewRefreshToken, now: datetime
    ) -> SignedIn:
        session = Session(user_id=user.user_id, role=user.role, session_id=family.family_id)
        access = self._access_tokens.issue(session, now)
        tokens = TokenPair(
            access_token=access.token,
            access_expires_at=access.expires_at,
            refresh_token=refresh_token,
            refresh_expires_at=new_token.expires_at,
        )
        return SignedIn(user=user, session=session, tokens=tokens)

    def _new_refresh_token(self, now: datetime) -> tuple[str, NewRefreshToken]:
        token = secrets.token_urlsafe(32)
        stored = NewRefreshToken(
            token_id=uuid4(),
            token_hash=refresh_token_hash(token),
            issued_at=now,
            expires_at=now + self._refresh_ttl,
        )
        return token, stored
