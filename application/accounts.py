"""Account use cases: register, log in, refresh, log out, external sign-in, profile and password changes.

`Accounts` is their one entry point; registering and logging in with a password are in password_sign_in,
signing in with an ID token in external_sign_in. Passwords are checked against the policy and hashed
(argon2id, in a thread) before any command is built; the domain only ever sees the hash. Nothing here
logs an email, password or token.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID

from application.auth_errors import InvalidCredentials, RefreshTokenInvalid, RefreshTokenReused
from application.auth_ports import (
    AccessClaims,
    AccessTokens,
    Clock,
    IdTokenVerifier,
    PasswordHasher,
    RefreshTokens,
    SystemClock,
)
from application.external_sign_in import ExternalSignIn
from application.handler import CommandHandler
from application.login_throttle import LoginThrottle
from application.password_policy import check_password_policy
from application.password_sign_in import PasswordSignIn
from application.privacy.opened_store import OpenedEventStore
from application.session_check import SessionCheck
from application.sessions import SessionTokens, SignedIn, refresh_token_hash
from application.user_claims import UniqueClaims
from application.users import load_user, metadata_for
from domain.users import User
from domain.users.commands import ChangePassword, ChangeRole, ProfileChanges, UpdateProfile
from domain.users.decider import USERS
from domain.users.errors import UserNotFound
from domain.users.values import IdentityProvider, Role

log = logging.getLogger("fitcoach.accounts")


@dataclass(frozen=True, slots=True)
class AccountsConfig:
    refresh_token_ttl: timedelta = timedelta(days=30)
    refresh_reuse_interval: timedelta = timedelta(seconds=10)
    """How long after a rotation a repeat of the rotated token gets the same successor instead of
    revoking the family as a stolen token's reuse."""
    claim_grace: timedelta = timedelta(minutes=2)
    """How long an email claim whose registration has not landed is left alone (see user_claims)."""
    command_retries: int = 3


@dataclass(frozen=True, slots=True)
class UserUpdated:
    user: User
    stream_version: int
    position: int
    """Global position of the write, for read-your-writes on the `auth.users` read model."""


class Accounts:
    def __init__(
        self,
        store: OpenedEventStore,
        *,
        passwords: PasswordHasher,
        access_tokens: AccessTokens,
        refresh_tokens: RefreshTokens,
        id_tokens: IdTokenVerifier,
        clock: Clock | None = None,
        config: AccountsConfig | None = None,
        session_check: SessionCheck | None = None,
        login_throttle: LoginThrottle | None = None,
    ) -> None:
        config = config or AccountsConfig()
        self._session_check = session_check
        self._login_throttle = login_throttle
        self._store = store
        self._passwords = passwords
        self._access_tokens = access_tokens
        self._refresh_tokens = refresh_tokens
        self._clock = clock or SystemClock()
        self._users = CommandHandler(store, USERS, retries=config.command_retries, vault=store.vault)
        self._claims = UniqueClaims(store, self._users, self._clock, config.claim_grace)
        self._sessions = SessionTokens(
            access_tokens, refresh_tokens, config.refresh_token_ttl, config.refresh_reuse_interval
        )
        self._external = ExternalSignIn(
            store, self._users, self._claims, id_tokens, self._sessions, self._clock
        )
        self._password_sign_in = PasswordSignIn(
            self._users, self._claims, passwords, self._sessions, self._clock
        )

    async def register(self, email: str, password: str, display_name: str) -> SignedIn:
        return await self._password_sign_in.register(email, password, display_name)

    async def login(self, email: str, password: str, *, address: str | None = None) -> SignedIn:
        """Sign in with a password. With a login throttle and the client's `address`, failures are
        throttled per account and address (see login_throttle): raises LoginThrottled past them."""
        if self._login_throttle is None or address is None:
            return await self._password_sign_in.login(email, password)
        attempt = await self._login_throttle.admit(email, address)
        wrong = False
        try:
            return await self._password_sign_in.login(email, password)
        except InvalidCredentials:
            wrong = True
            raise
        finally:
            if wrong:
                await self._login_throttle.failed(attempt)
            else:
                await self._login_throttle.done(attempt)

    async def refresh(self, refresh_token: str) -> SignedIn:
        now = self._clock.now()
        try:
            family, token, stored = await self._sessions.rotate(refresh_token, now)
        except RefreshTokenReused:
            await self.logout(refresh_token)  # already revoked; this learns whose cached session to end
            raise
        user = await load_user(self._store, family.user_id)
        if not isinstance(user, User):
            await self._refresh_tokens.revoke_user(family.user_id, now)
            await self._sessions_changed(family.user_id)
            raise RefreshTokenInvalid()
        return self._sessions.signed_in(user, family, token, stored, now)

    async def logout(self, refresh_token: str) -> bool:
        """End the refresh token's session (its whole family); False if the token is unknown."""
        try:
            presented = refresh_token_hash(refresh_token)
        except RefreshTokenInvalid:
            return False
        family = await self._refresh_tokens.revoke_family(presented, self._clock.now())
        if family is not None:
            await self._sessions_changed(family.user_id)
        return family is not None

    async def end_session(self, user_id: UUID, session_id: UUID) -> bool:
        """End one of the user's sessions by its id (an access token's); False if it is not theirs."""
        ended = await self._refresh_tokens.revoke_session(user_id, session_id, self._clock.now())
        if ended:
            await self._sessions_changed(user_id)
        return ended

    def authenticate(self, access_token: str) -> AccessClaims:
        """The verified claims of an access token; raises AccessTokenInvalid or AccessTokenExpired."""
        return self._access_tokens.verify(access_token)

    async def sign_in_with_id_token(
        self, provider: IdentityProvider, id_token: str, nonce: str | None = None
    ) -> SignedIn:
        return await self._external.sign_in(provider, id_token, nonce)

    async def link_identity(
        self, user_id: UUID, provider: IdentityProvider, id_token: str, nonce: str | None = None
    ) -> User:
        return await self._external.link(user_id, provider, id_token, nonce)

    async def user(self, user_id: UUID) -> User:
        state = await load_user(self._store, user_id)
        if not isinstance(state, User):
            raise UserNotFound(user_id)
        return state

    async def update_profile(
        self, user_id: UUID, changes: ProfileChanges, *, expected_version: int | None = None
    ) -> UserUpdated:
        command = UpdateProfile(user_id=user_id, changes=changes, at=self._clock.now())
        result = await self._users.handle(command, metadata_for(user_id), expected_version=expected_version)
        return await self._updated(user_id, result.stream_version, result.position)

    async def change_password(self, user_id: UUID, current_password: str, new_password: str) -> SignedIn:
        """Change the password and end every other session; returns a fresh session for this one."""
        user = await self.user(user_id)
        if not await self._passwords.verify(user.password_hash, current_password):
            raise InvalidCredentials()
        check_password_policy(new_password, "new_password")
        password_hash = await self._passwords.hash(new_password)
        now = self._clock.now()
        command = ChangePassword(user_id=user_id, password_hash=password_hash, at=now)
        result = await self._users.handle(command, metadata_for(user_id))
        await self._refresh_tokens.revoke_user(user_id, now)
        await self._sessions_changed(user_id)
        updated = await self._updated(user_id, result.stream_version, result.position)
        log.info("user %s changed their password; other sessions ended", user_id)
        return await self._sessions.start(updated.user, now)

    async def set_role(self, user_id: UUID, role: Role) -> UserUpdated:
        """For operators (a CLI command, an admin mutation): the caller checks who may do this."""
        command = ChangeRole(user_id=user_id, role=role, at=self._clock.now())
        result = await self._users.handle(command, metadata_for(user_id))
        await self._sessions_changed(user_id)
        return await self._updated(user_id, result.stream_version, result.position)

    async def _sessions_changed(self, user_id: UUID) -> None:
        if self._session_check is not None:
            await self._session_check.invalidate(user_id)

    async def _updated(self, user_id: UUID, stream_version: int, position: int) -> UserUpdated:
        state = await load_user(self._store, user_id, to_version=stream_version)
        if not isinstance(state, User):
            raise UserNotFound(user_id)
        return UserUpdated(user=state, stream_version=stream_version, position=position)
