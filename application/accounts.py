"""Account use cases: register, log in, refresh, log out, external sign-in, profile and password changes.

Passwords are checked against the policy here and hashed (argon2id, in a thread) before any command is
built; the domain only ever sees the hash. Nothing here logs an email, password or token.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta
from uuid import UUID, uuid4

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
from application.eventstore import EventStore
from application.external_sign_in import ExternalSignIn, has_email
from application.handler import CommandHandler
from application.password_policy import PASSWORD_LENGTH, check_password_policy
from application.session_check import SessionCheck
from application.sessions import SessionTokens, SignedIn, refresh_token_hash
from application.user_claims import ClaimHeld, UniqueClaims
from application.users import USERS, load_user, metadata_for
from domain.errors import ValidationError
from domain.users import User, email_claim_stream, fold
from domain.users import validation as user_validation
from domain.users.commands import ChangePassword, ChangeRole, ProfileChanges, RegisterUser, UpdateProfile
from domain.users.errors import EmailTaken, RegistrationClosed, UserNotFound
from domain.users.events import EmailClaimed
from domain.users.values import IdentityProvider, Role

log = logging.getLogger("fitcoach.accounts")


@dataclass(frozen=True, slots=True)
class AccountsConfig:
    refresh_token_ttl: timedelta = timedelta(days=30)
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
        store: EventStore,
        *,
        passwords: PasswordHasher,
        access_tokens: AccessTokens,
        refresh_tokens: RefreshTokens,
        id_tokens: IdTokenVerifier,
        clock: Clock | None = None,
        config: AccountsConfig | None = None,
        session_check: SessionCheck | None = None,
    ) -> None:
        config = config or AccountsConfig()
        self._session_check = session_check
        self._store = store
        self._passwords = passwords
        self._access_tokens = access_tokens
        self._refresh_tokens = refresh_tokens
        self._clock = clock or SystemClock()
        self._users = CommandHandler(store, USERS, retries=config.command_retries)
        self._claims = UniqueClaims(store, self._users, self._clock, config.claim_grace)
        self._sessions = SessionTokens(access_tokens, refresh_tokens, config.refresh_token_ttl)
        self._external = ExternalSignIn(
            store, self._users, self._claims, id_tokens, self._sessions, self._clock
        )

    async def register(self, email: str, password: str, display_name: str) -> SignedIn:
        check_password_policy(password)
        normalised = user_validation.email("email", email)
        user_validation.display_name("display_name", display_name)
        password_hash = await self._passwords.hash(password)
        user_id, now = uuid4(), self._clock.now()
        command = RegisterUser(
            user_id=user_id, email=normalised, password_hash=password_hash, display_name=display_name, at=now
        )
        try:
            claim = EmailClaimed(user_id=user_id, at=now)
            await self._claims.claim(email_claim_stream(normalised), claim, has_email(normalised))
        except ClaimHeld:
            raise EmailTaken() from None
        try:
            async with self._claims.released_on_failure(user_id):
                result = await self._users.handle(command, metadata_for(user_id))
        except RegistrationClosed:
            raise EmailTaken() from None  # our claim was taken over while we were too slow
        user = fold(result.events)
        assert isinstance(user, User)
        log.info("user %s registered", user_id)
        return await self._sessions.start(user, now)

    async def login(self, email: str, password: str) -> SignedIn:
        user = await self._user_by_email(email)
        if not isinstance(password, str) or len(password) > PASSWORD_LENGTH[1]:
            password, user = "", None
        matches = await self._passwords.verify(user.password_hash if user else None, password)
        if user is None or not matches:
            raise InvalidCredentials()
        await self._rehash_if_needed(user, password)
        return await self._sessions.start(user, self._clock.now())

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

    async def sign_in_with_id_token(self, provider: IdentityProvider, id_token: str) -> SignedIn:
        return await self._external.sign_in(provider, id_token)

    async def link_identity(self, user_id: UUID, provider: IdentityProvider, id_token: str) -> User:
        return await self._external.link(user_id, provider, id_token)

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

    async def _user_by_email(self, email: str) -> User | None:
        try:
            normalised = user_validation.email("email", email)
        except ValidationError:
            return None
        holder = await self._claims.holder(email_claim_stream(normalised))
        if holder is None or not isinstance(holder.state, User) or holder.state.email != normalised:
            return None
        return holder.state

    async def _rehash_if_needed(self, user: User, password: str) -> None:
        if user.password_hash is None or not self._passwords.needs_rehash(user.password_hash):
            return
        password_hash = await self._passwords.hash(password)
        command = ChangePassword(user_id=user.user_id, password_hash=password_hash, at=self._clock.now())
        await self._users.handle(command, metadata_for(user.user_id))

    async def _updated(self, user_id: UUID, stream_version: int, position: int) -> UserUpdated:
        state = await load_user(self._store, user_id, to_version=stream_version)
        if not isinstance(state, User):
            raise UserNotFound(user_id)
        return UserUpdated(user=state, stream_version=stream_version, position=position)
