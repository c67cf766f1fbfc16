"""Bearer-token sign-in for the GraphQL view: the access token of a request (`Authorization: Bearer`)
or of a WebSocket's `connection_init` is verified (signature, expiry, live session) into the viewer.
"""

from __future__ import annotations

import logging
import re

from strawberry.exceptions import ConnectionRejectionError

from application.auth_errors import TokenStoreUnavailable
from application.eventstore import EventStoreUnavailable
from bootstrap_api import Api
from domain.errors import DomainError
from schema.context import Context, Viewer

log = logging.getLogger("fitcoach.api")
BEARER = re.compile(r"^Bearer ([A-Za-z0-9._~+/=-]{1,4096})$")


class SignInCheckUnavailable(Exception):
    """The session store (PostgreSQL) did not answer: a 503, never a verdict on the token."""


async def authenticate_connection(api: Api, context: Context) -> None:
    """The token in `connectionParams` (`authorization` or `accessToken`), else ConnectionRejectionError."""
    params = context.connection_params or {}
    token = params.get("authorization") or params.get("Authorization") or params.get("accessToken")
    if not isinstance(token, str):
        raise ConnectionRejectionError({"message": "send an access token in connectionParams"})
    header = token if token.startswith("Bearer ") else f"Bearer {token}"
    await authenticate(api, context, header)
    if context.viewer is None:
        raise ConnectionRejectionError({"message": context.auth_problem or "the access token is not valid"})


async def authenticate(api: Api, context: Context, header: str) -> None:
    """Sets the context's viewer and claims for a valid token, else its `auth_problem`."""
    match = BEARER.match(header)
    if match is None:
        context.auth_problem = "send the access token as 'Authorization: Bearer <token>'"
        return
    try:
        claims = api.accounts.authenticate(match.group(1))
        session = await api.sessions.check(claims)
    except (EventStoreUnavailable, TokenStoreUnavailable) as error:
        # Not the client's fault: answering UNAUTHENTICATED would make it throw its tokens away.
        log.warning("request %s: session check unavailable (%s)", context.request_id, type(error).__name__)
        if isinstance(context.connection_params, dict):
            raise ConnectionRejectionError({"message": "try again shortly"}) from None
        raise SignInCheckUnavailable() from None
    except DomainError as error:
        context.auth_problem = error.message
        return
    context.viewer = Viewer(session.user_id, session.role, session.session_id)
    context.claims = claims
