"""Bearer-token sign-in for the GraphQL view: the access token of a request (`Authorization: Bearer`)
or of a WebSocket's `connection_init` is verified (signature, expiry, live session) into the viewer,
and `TokenSession` checks it again later (expiry, session, current role) for whatever outlives the
moment of sign-in: a subscription's pushes, a WebSocket's operations.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass, field
from datetime import UTC, datetime

from application.auth_errors import TokenStoreUnavailable
from application.auth_ports import AccessClaims, Session
from application.eventstore import EventStoreUnavailable
from application.session_check import SessionCheck
from domain.errors import DomainError
from schema.context import Context, Viewer
from schema.errors import Unauthenticated
from web.services import WebServices

log = logging.getLogger("fitcoach.api")
BEARER = re.compile(r"^Bearer ([A-Za-z0-9._~+/=-]{1,4096})$")
UNAVAILABLE = (EventStoreUnavailable, TokenStoreUnavailable)
"""The session store did not answer: not the client's fault, and never a verdict on the token."""


class SignInCheckUnavailable(Exception):
    """The session store (PostgreSQL) did not answer: a 503, never a verdict on the token."""


class SignInRefused(Exception):
    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True, slots=True)
class TokenSession:
    """A verified access token and the viewer it was signed in as."""

    sessions: SessionCheck = field(repr=False)
    claims: AccessClaims = field(repr=False)
    viewer: Viewer

    @property
    def expires_at(self) -> datetime:
        return self.claims.expires_at

    async def viewer_now(self) -> Viewer:
        """The viewer as of now. Unauthenticated once the token has expired (on the dot: no leeway for
        a token the server already holds) or its session has ended; EventStoreUnavailable or
        TokenStoreUnavailable when that cannot be told right now."""
        if self.claims.expires_at <= datetime.now(UTC):
            raise Unauthenticated("the access token has expired; reconnect with a fresh one")
        try:
            session = await self.sessions.check(self.claims)
        except UNAVAILABLE:
            raise
        except DomainError as error:
            raise Unauthenticated(error.message) from None
        return viewer_of(session)


def viewer_of(session: Session) -> Viewer:
    return Viewer(session.user_id, session.role, session.session_id)


async def sign_in(services: WebServices, header: str, request_id: str) -> TokenSession:
    """The session of the bearer token in `header`, checked now; SignInRefused (with the reason for the
    client) or SignInCheckUnavailable."""
    match = BEARER.match(header)
    if match is None:
        raise SignInRefused("send the access token as 'Authorization: Bearer <token>'")
    try:
        claims = services.resolvers.accounts.authenticate(match.group(1))
        session = await services.sessions.check(claims)
    except UNAVAILABLE as error:
        # Not the client's fault: answering UNAUTHENTICATED would make it throw its tokens away.
        log.warning("request %s: session check unavailable (%s)", request_id, type(error).__name__)
        raise SignInCheckUnavailable() from None
    except DomainError as error:
        raise SignInRefused(error.message) from None
    return TokenSession(services.sessions, claims, viewer_of(session))


async def authenticate(services: WebServices, context: Context, header: str) -> None:
    """Sets the context's viewer and session for a valid token, else its `auth_problem`."""
    try:
        token = await sign_in(services, header, context.request_id)
    except SignInRefused as refused:
        context.auth_problem = refused.message
        return
    context.viewer = token.viewer
    context.session = token
