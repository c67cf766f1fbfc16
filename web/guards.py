"""`RequestGuard`: ASGI middleware every HTTP request passes through.

- gives the request an id (a sane `X-Request-ID` from the client, else a new one) and returns it;
- refuses bodies over the limit with 413, by `Content-Length` up front and by counting while streaming,
  so an oversized or lying upload never reaches the parser;
- records `http_request_duration_seconds{method,route,status}`;
- answers any exception that escapes a handler with a JSON 500 carrying the request id (the traceback
  goes to the log only).
"""

from __future__ import annotations

import json
import logging
import re
import time
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from web.metrics import observe_request

log = logging.getLogger("fitcoach.api")
REQUEST_ID = re.compile(rb"^[A-Za-z0-9._-]{8,64}$")
KNOWN_ROUTES = frozenset({"/graphql", "/health", "/ready", "/metrics"})


class BodyTooLarge(Exception):
    pass


class RequestGuard:
    def __init__(self, app: ASGIApp, *, max_body_bytes: int) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] not in ("http", "websocket"):
            await self.app(scope, receive, send)
            return
        request_id = _request_id(scope)
        scope["fitcoach.request_id"] = request_id
        if scope["type"] == "websocket":
            await self.app(scope, receive, send)
            return
        started, status = time.perf_counter(), 500
        route = scope["path"] if scope["path"] in KNOWN_ROUTES else "other"
        response_started = False

        async def send_with_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                status, response_started = message["status"], True
                message = {
                    **message,
                    "headers": [*message.get("headers", []), (b"x-request-id", request_id.encode())],
                }
            await send(message)

        try:
            if _declared_length(scope) > self.max_body_bytes:
                await _json(send_with_id, 413, "the request body is too large", "PAYLOAD_TOO_LARGE")
                return
            await self.app(scope, self._counted(receive), send_with_id)
        except BodyTooLarge:
            if not response_started:
                await _json(send_with_id, 413, "the request body is too large", "PAYLOAD_TOO_LARGE")
        except Exception:
            log.exception("request %s failed", request_id)
            if not response_started:
                await _json(
                    send_with_id,
                    500,
                    f"internal server error (request {request_id})",
                    "INTERNAL_SERVER_ERROR",
                )
        finally:
            observe_request(scope["method"], route, status, time.perf_counter() - started)

    def _counted(self, receive: Receive) -> Receive:
        seen = 0

        async def counted() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body_bytes:
                    raise BodyTooLarge()
            return message

        return counted


def _request_id(scope: Scope) -> str:
    for name, value in scope.get("headers", []):
        if name == b"x-request-id" and REQUEST_ID.match(value):
            return str(value.decode())
    return uuid.uuid4().hex


def _declared_length(scope: Scope) -> int:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            return int(value) if value.isdigit() else 0
    return 0


async def _json(send: Send, status: int, message: str, code: str) -> None:
    body = json.dumps({"errors": [{"message": message, "extensions": {"code": code}}]}).encode()
    headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers})
    await send({"type": "http.response.body", "body": body})
