"""Registering with an email and password, and logging in with them.

The email is claimed (`useremail-<sha256(email)>`) before the registration is written, and a login finds
the user through that claim. The password is checked against the policy and hashed before any command is
built; nothing here logs an email or password.
"""

from __future__ import annotations

import logging
from uuid import uuid4

from application.auth_errors import InvalidCredentials
from application.auth_ports import Clock, PasswordHasher
from application.external_sign_in import has_email
from application.password_policy import PASSWORD_LENGTH, check_password_policy
from application.sessions import SessionTokens, SignedIn
from application.user_claims import ClaimHeld, UniqueClaims
from application.users import UserCommands, metadata_for
from domain.errors import ValidationError
from domain.users import User, email_claim_stream, fold
from domain.users import validation as user_validation
from domain.users.commands import ChangePassword, RegisterUser
from domain.users.errors import EmailTaken, RegistrationClosed
from domain.users.events import EmailClaimed

log = logging.getLogger("fitcoach.accounts")


class PasswordSignIn:
    def __init__(
        self,
        users: UserCommands,
        claims: UniqueClaims,
        passwords: PasswordHasher,
        sessions: SessionTokens,
        clock: Clock,
    ) -> None:
        self._users = users
        self._claims = claims
        self._passwords = passwords
        self._sessions = sessions
        self._clock = clock

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
