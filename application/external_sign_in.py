"""Signing in with a Google or Apple ID token, and linking such an identity to a signed-in user.

The user is found through the identity's claim stream (`useridentity-<sha256(provider:subject)>`); an
unknown identity registers a new user with the token's email. An email that already belongs to another
account is not linked automatically (that would let whoever controls the provider account take over an
existing one): the owner signs in and links the identity with `link`.
"""

from __future__ import annotations

import logging
from uuid import UUID, uuid4

from application.auth_errors import IdentityTaken, IdTokenRejected, SignInInProgress
from application.auth_ports import Clock, IdTokenVerifier, VerifiedIdentity
from application.eventstore import EventStore
from application.sessions import SessionTokens, SignedIn
from application.user_claims import ClaimHeld, Holds, UniqueClaims
from application.users import UserCommands, load_user, metadata_for
from domain.safe_text import first_refused
from domain.users import User, decide, email_claim_stream, fold, identity_claim_stream
from domain.users import validation as user_validation
from domain.users.commands import LinkExternalIdentity, RegisterExternalUser
from domain.users.errors import EmailTaken, RegistrationClosed, UserNotFound
from domain.users.events import EmailClaimed, IdentityClaimed
from domain.users.values import ExternalIdentity, IdentityProvider

log = logging.getLogger("fitcoach.accounts")


def has_identity(provider: IdentityProvider, subject: str) -> Holds:
    return lambda user: user.identity(provider) == ExternalIdentity(provider, subject)


def has_email(email: str) -> Holds:
    return lambda user: user.email == email


class ExternalSignIn:
    def __init__(
        self,
        store: EventStore,
        users: UserCommands,
        claims: UniqueClaims,
        verifier: IdTokenVerifier,
        sessions: SessionTokens,
        clock: Clock,
    ) -> None:
        self._store = store
        self._users = users
        self._claims = claims
        self._verifier = verifier
        self._sessions = sessions
        self._clock = clock

    async def sign_in(self, provider: IdentityProvider, id_token: str, nonce: str | None = None) -> SignedIn:
        identity = await self._verifier.verify(provider, id_token, nonce=nonce)
        holds = has_identity(provider, identity.subject)
        holder = await self._claims.holder(identity_claim_stream(provider, identity.subject))
        if holder is not None and isinstance(holder.state, User) and holds(holder.state):
            user = holder.state
        else:
            user = await self._register(identity, holds)
        log.info("user %s signed in with %s", user.user_id, provider.value)
        return await self._sessions.start(user, self._clock.now())

    async def link(
        self, user_id: UUID, provider: IdentityProvider, id_token: str, nonce: str | None = None
    ) -> User:
        identity = await self._verifier.verify(provider, id_token, nonce=nonce)
        state = await load_user(self._store, user_id)
        if not isinstance(state, User):
            raise UserNotFound(user_id)
        now = self._clock.now()
        command = LinkExternalIdentity(user_id=user_id, provider=provider, subject=identity.subject, at=now)
        if not decide(command, state):  # already linked; raises if another account of the provider is
            return state
        stream = identity_claim_stream(provider, identity.subject)
        try:
            await self._claims.claim(
                stream, IdentityClaimed(user_id=user_id, at=now), has_identity(provider, identity.subject)
            )
        except ClaimHeld:
            raise IdentityTaken() from None
        result = await self._users.handle(command, metadata_for(user_id))
        linked = await load_user(self._store, user_id, to_version=result.stream_version)
        assert isinstance(linked, User)
        log.info("user %s linked a %s identity", user_id, provider.value)
        return linked

    async def _register(self, identity: VerifiedIdentity, holds: Holds) -> User:
        email = _trusted_email(identity)
        user_id, now = uuid4(), self._clock.now()
        command = RegisterExternalUser(
            user_id=user_id,
            email=email,
            display_name=_display_name(identity, email),
            provider=identity.provider,
            subject=identity.subject,
            at=now,
        )
        decide(command, None)  # every field checked before anything is claimed
        identity_stream = identity_claim_stream(identity.provider, identity.subject)
        try:
            await self._claims.claim(identity_stream, IdentityClaimed(user_id=user_id, at=now), holds)
        except ClaimHeld as held:
            state = held.holder.state
            if isinstance(state, User) and holds(state):
                return state  # a concurrent first sign-in of the same person won
            raise SignInInProgress() from None
        try:
            await self._claims.claim(
                email_claim_stream(email), EmailClaimed(user_id=user_id, at=now), has_email(email)
            )
            async with self._claims.released_on_failure(user_id):
                result = await self._users.handle(command, metadata_for(user_id))
        except ClaimHeld:
            await self._claims.release(user_id)  # frees the identity claim for a later attempt
            raise EmailTaken() from None
        except RegistrationClosed:
            raise SignInInProgress() from None
        registered = fold(result.events)
        assert isinstance(registered, User)
        log.info("user %s registered through %s", user_id, identity.provider.value)
        return registered


def _trusted_email(identity: VerifiedIdentity) -> str:
    if not identity.email:
        raise IdTokenRejected(
            IdTokenRejected.NO_EMAIL, "the ID token has no email, which a new account needs"
        )
    if not identity.email_verified:
        raise IdTokenRejected(IdTokenRejected.EMAIL_UNVERIFIED, "the ID token's email is not verified")
    return user_validation.email("email", identity.email)


def _display_name(identity: VerifiedIdentity, email: str) -> str:
    """The provider's name for the person if a display name may hold it (`domain.safe_text`), else the
    email's local part: a sign-in never fails over the name."""
    for candidate in (identity.name, email.partition("@")[0]):
        if candidate and candidate.strip() and first_refused(candidate) is None:
            return candidate.strip()[: user_validation.MAX_DISPLAY_NAME]
    return "Athlete"
