"""`SocketConnection`: one WebSocket's signed-in session, held for the life of the connection.

A socket signs in once, at `connection_init`, but may live for hours: past a logout, a revoked session,
a role change and its access token's expiry. So nothing is taken on trust from that moment:
- each operation gets a context of its own (`operation_context`): fresh dataloaders, and the viewer as
  the session check says *now* (the check an HTTP request gets: session live, current role);
- each subscription push checks again (`viewer_now`, through `Context.session`);
- a watchdog checks every `ws_session_check_seconds` (jittered) and at the token's expiry, and closes
  the socket with 4403 once the session has ended, the token expired or the user's role changed. When an
  operation finds that out first, the socket is closed as soon as that operation has answered.

The watchdog costs one `SessionCheck.check` per socket per interval: normally a hit in the in-process L1
of the session cache (which every replica keeps current through Redis invalidation messages, so a
logout or role change on one replica is seen on all of them within moments); a Redis read after a
change; PostgreSQL only on a miss, or for every check while Redis is down (then at most
`max_ws_connections / ws_session_check_seconds` reads a second per replica). A check the session store
cannot answer closes nothing: it is tried again at the next tick, and operations meanwhile get an
error to retry.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
from datetime import UTC, datetime

from starlette.websockets import WebSocket
from strawberry.exceptions import ConnectionRejectionError

from schema.context import Context, Viewer
from schema.errors import Unauthenticated
from web.authentication import UNAVAILABLE, SignInCheckUnavailable, SignInRefused, TokenSession, sign_in
from web.services import WebServices
from web.socket_limits import SocketLimits

log = logging.getLogger("fitcoach.api")
SESSION_ENDED = 4403
"""The session behind the socket has ended, expired or changed role: reconnect with a fresh token."""
TOO_MANY_REQUESTS = 4429
SERVER_FULL = 1013
"""The standard "try again later"."""


class SocketRefused(Exception):
    """Refuse a socket at `connection_init` with this close code (and, for the legacy protocol, a
    `connection_error` of this message and GraphQL error code first)."""

    def __init__(self, close_code: int, message: str, error_code: str) -> None:
        super().__init__(message)
        self.close_code = close_code
        self.message = message
        self.error_code = error_code

    @property
    def payload(self) -> dict[str, object]:
        return {"message": self.message, "extensions": {"code": self.error_code}}


class SocketConnection:
    def __init__(
        self,
        services: WebServices,
        limits: SocketLimits,
        websocket: WebSocket,
        *,
        session_check_seconds: float,
        request_id: str,
        client_ip: str,
    ) -> None:
        self._services = services
        self.limits = limits
        self._session_check_seconds = session_check_seconds
        self._websocket = websocket
        self.request_id = request_id
        self.client_ip = client_ip
        self._counted = False
        self._token: TokenSession | None = None
        self._ended: str | None = None
        self._closing = False
        self._watchdog: asyncio.Task[None] | None = None

    @property
    def closing(self) -> bool:
        """The server has closed (or is closing) the socket: nothing more is to be sent on it."""
        return self._closing

    def open(self) -> bool:
        """Take this socket's place on the replica; False when it is full."""
        self._counted = self.limits.open()
        return self._counted

    async def sign_in(self, params: dict[str, object] | None) -> None:
        """Sign in with the token of `connection_init`'s payload (`authorization` or `accessToken`):
        raises ConnectionRejectionError (a bad token) or SocketRefused."""
        if self._token is not None:
            raise SocketRefused(TOO_MANY_REQUESTS, "Too many initialisation requests", "BAD_USER_INPUT")
        params = params or {}
        token = params.get("authorization") or params.get("Authorization") or params.get("accessToken")
        if not isinstance(token, str):
            raise ConnectionRejectionError({"message": "send an access token in connectionParams"})
        header = token if token.startswith("Bearer ") else f"Bearer {token}"
        try:
            signed_in = await sign_in(self._services, header, self.request_id)
        except SignInRefused as refused:
            raise ConnectionRejectionError({"message": refused.message}) from None
        except SignInCheckUnavailable:
            message = "the sign-in check is temporarily unavailable; try again"
            raise SocketRefused(SERVER_FULL, message, "INTERNAL_SERVER_ERROR") from None
        if not self.limits.join(signed_in.viewer.user_id):
            message = f"at most {self.limits.max_per_user} connections per user"
            raise SocketRefused(TOO_MANY_REQUESTS, message, "RATE_LIMITED")
        self._token = signed_in
        self._watchdog = asyncio.create_task(self._watch(signed_in), name=f"websocket {self.request_id}")

    async def viewer_now(self) -> Viewer:
        """The viewer as of now (Unauthenticated once the session has ended); notes an ended session or
        a changed role, for which the socket is to be closed."""
        token = self._token
        if token is None:
            raise Unauthenticated()
        try:
            viewer = await token.viewer_now()
        except Unauthenticated as ended:
            self._ended = str(ended)
            raise
        if viewer.role is not token.viewer.role:
            self._ended = "the user's role has changed; reconnect"
        return viewer

    async def operation_context(self) -> Context:
        """A context of the operation's own: fresh loaders, and the viewer as of now (none, with the
        reason, once the session has ended). Raises EventStoreUnavailable or TokenStoreUnavailable."""
        context = Context.of(self._services.resolvers, request_id=self.request_id, client_ip=self.client_ip)
        context.session = self
        try:
            context.viewer = await self.viewer_now()
        except Unauthenticated as ended:
            context.auth_problem = str(ended)
        return context

    def start_operation(self) -> bool:
        """Count an operation against the user's cap; False when they have their fill."""
        return self._token is not None and self.limits.start_operation(self._token.viewer.user_id)

    def end_operation(self) -> None:
        if self._token is not None:
            self.limits.end_operation(self._token.viewer.user_id)

    async def close_if_ended(self) -> None:
        if self._ended is not None:
            await self.close(SESSION_ENDED, self._ended)

    async def close(self, code: int, reason: str) -> None:
        if self._closing:
            return
        self._closing = True
        # The client may have gone already: then there is nobody left to tell.
        with contextlib.suppress(RuntimeError, OSError):
            await self._websocket.close(code=code, reason=reason[:120])

    async def release(self) -> None:
        """The connection is over: stop watching and give its places back."""
        if self._watchdog is not None:
            self._watchdog.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._watchdog
        if self._token is not None:
            self.limits.leave(self._token.viewer.user_id)
        if self._counted:
            self.limits.close()
            self._counted = False

    async def _watch(self, token: TokenSession) -> None:
        every = self._session_check_seconds
        while True:
            until_expiry = (token.expires_at - datetime.now(UTC)).total_seconds()
            # Jittered, so that sockets opened together do not check together ever after.
            await asyncio.sleep(max(0.0, min(every * random.uniform(0.75, 1.0), until_expiry)))
            try:
                await self.viewer_now()
            except Unauthenticated:
                pass
            except UNAVAILABLE as error:  # told again at the next tick
                log.debug("request %s: session check unavailable (%s)", self.request_id, type(error).__name__)
            if self._ended is not None:
                await self.close(SESSION_ENDED, self._ended)
                return
