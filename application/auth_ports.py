"""Ports of the accounts use cases (password hashing, tokens, ID-token verification, time), as Protocols.

Adapters: `adapters.auth.passwords.Argon2PasswordHasher`, `adapters.auth.access_tokens.JwtAccessTokens`,
`adapters.postgres.refresh_tokens.PostgresRefreshTokens`, `adapters.auth.oidc.OidcIdTokenVerifier`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Protocol
from uuid import UUID

from domain.users.values import IdentityProvider, Role


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class PasswordHasher(Protocol):
    async def hash(self, password: str) -> str: ...

    async def verify(self, password_hash: str | None, password: str) -> bool:
        """Whether `password` matches. With no hash (unknown user) it still spends the time of one
        verification, then answers False, so callers cannot tell the two cases apart by timing."""
        ...

    def needs_rehash(self, password_hash: str) -> bool:
        """Whether the hash was made with other parameters than the current ones."""
        ...


@dataclass(frozen=True, slots=True)
class Session:
    """Who is signed in: the value an API request works with, and what it caches (`session:{user_id}`).

    `session_id` is the refresh-token family: one per sign-in, shared by every token rotated from it.
    """

    user_id: UUID
    role: Role
    session_id: UUID

    def to_json(self) -> dict[str, str]:
        return {"user_id": str(self.user_id), "role": self.role.value, "session_id": str(self.session_id)}

    @classmethod
    def from_json(cls, data: dict[str, str]) -> Session:
        return cls(UUID(data["user_id"]), Role(data["role"]), UUID(data["session_id"]))


@dataclass(frozen=True, slots=True)
class IssuedAccessToken:
    token: str = field(repr=False)
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class AccessClaims:
    """A verified access token."""

    session: Session
    token_id: str
    issued_at: datetime
    expires_at: datetime


class AccessTokens(Protocol):
    def issue(self, session: Session, now: datetime) -> IssuedAccessToken: ...

    def verify(self, token: str) -> AccessClaims:
        """The token's claims; raises AccessTokenInvalid or AccessTokenExpired."""
        ...


@dataclass(frozen=True, slots=True)
class NewRefreshToken:
    token_id: UUID
    token_hash: bytes = field(repr=False)
    """SHA-256 of the opaque token: the token itself is never stored."""
    issued_at: datetime
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class RefreshFamily:
    family_id: UUID
    user_id: UUID


@dataclass(frozen=True, slots=True)
class Rotation:
    """What `RefreshTokens.rotate` did: stored the new successor, or found the presented token rotated a
    moment ago and answered with the successor that rotation stored (`repeated_seal` is then set)."""

    family: RefreshFamily
    successor: NewRefreshToken
    repeated_seal: bytes | None = field(default=None, repr=False)
    """For a repeat: the successor token sealed under the presented one (see `application.successors`)."""


@dataclass(frozen=True, slots=True)
class LiveSessions:
    """A user's sessions (refresh families) that are neither revoked nor expired, as of `revision`."""

    user_id: UUID
    families: frozenset[UUID]
    revision: int
    """The user's session revision, read in the same snapshot: every new family, revocation or role
    change raises it, so an answer cached under it can be refused once it is outdated."""


class RefreshTokens(Protocol):
    async def start_family(self, user_id: UUID, token: NewRefreshToken) -> RefreshFamily:
        """Store the first token of a new family (raising the user's session revision with it); the
        family id is the token's id."""
        ...

    async def rotate(
        self,
        presented_hash: bytes,
        child: NewRefreshToken,
        sealed_child: bytes,
        now: datetime,
        *,
        reuse_interval: timedelta,
    ) -> Rotation:
        """Atomically mark the presented token rotated, keep `sealed_child` (the child token sealed under
        the presented one) with it, and store `child` in its family.

        A token rotated less than `reuse_interval` ago whose successor is still the family's live, unused
        token is a repeat (two requests of one client racing): nothing changes, and the answer is that
        successor with its seal. Raises RefreshTokenInvalid (unknown), RefreshTokenExpired,
        RefreshTokenRevoked, or RefreshTokenReused: the token was rotated before, and is no repeat, so the
        whole family is revoked first.
        """
        ...

    async def revoke_family(self, presented_hash: bytes, now: datetime) -> RefreshFamily | None:
        """Revoke every token of the presented token's family; None if the token is unknown."""
        ...

    async def revoke_user(self, user_id: UUID, now: datetime) -> int:
        """Revoke every family of the user; the number of tokens revoked."""
        ...

    async def revoke_session(self, user_id: UUID, family_id: UUID, now: datetime) -> bool:
        """Revoke the family `family_id` if it is the user's; False if it is not (or unknown)."""
        ...

    async def live_sessions(self, user_id: UUID, now: datetime) -> LiveSessions:
        """The user's live families and session revision, in one read."""
        ...

    async def sessions_changed(self, user_id: UUID) -> int:
        """Raise the user's session revision (after a revocation or a role change); the new revision."""
        ...


@dataclass(frozen=True, slots=True)
class VerifiedIdentity:
    """What a provider's verified ID token says about the person."""

    provider: IdentityProvider
    subject: str = field(repr=False)
    email: str | None = field(repr=False)
    email_verified: bool
    """True only when the token says so; a token that does not say counts as unverified."""
    name: str | None = field(repr=False)


class IdTokenVerifier(Protocol):
    async def verify(
        self, provider: IdentityProvider, id_token: str, *, nonce: str | None = None
    ) -> VerifiedIdentity:
        """Check signature (provider's JWKS), issuer, audience, expiry and the nonce (the one the client
        sent, by the provider's rule; a token carrying a nonce needs it); raises IdTokenRejected,
        IdentityProviderNotConfigured or IdentityProviderUnavailable."""
        ...
