"""A stand-in for Anthropic's Messages API on a real 127.0.0.1 socket, speaking its server-sent events,
so the adapter is tested through the real `anthropic` SDK and HTTP. Each request takes the next scripted
reply: a streamed answer (optionally cut short) or an error status with headers. Every request's JSON
body is recorded in `requests`, in order."""

from __future__ import annotations

import json
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass(frozen=True)
class Streamed:
    texts: tuple[str, ...]
    tool_input: dict[str, Any] | None = None
    cut_after_texts: int | None = None
    """Close the connection after this many text deltas, without message_stop."""
    hang_after_texts: int | None = None
    """Stop sending after this many text deltas and hold the connection open (a reply in progress)."""
    model: str = "claude-test"


@dataclass(frozen=True)
class Failing:
    status: int
    headers: tuple[tuple[str, str], ...] = ()
    error: str = "overloaded_error"
    message: str = "busy"


def _event(name: str, data: dict[str, Any]) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()


def _events(reply: Streamed) -> list[bytes]:
    usage = {
        "input_tokens": 40,
        "output_tokens": 1,
        "cache_creation_input_tokens": 0,
        "cache_read_input_tokens": 300,
    }
    start = {"id": "msg_1", "type": "message", "role": "assistant", "model": reply.model, "content": []}
    events = [
        _event(
            "message_start",
            {
                "type": "message_start",
                "message": {**start, "stop_reason": None, "stop_sequence": None, "usage": usage},
            },
        )
    ]
    events.append(
        _event(
            "content_block_start",
            {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
        )
    )
    for text in reply.texts:
        events.append(
            _event(
                "content_block_delta",
                {"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": text}},
            )
        )
    events.append(_event("content_block_stop", {"type": "content_block_stop", "index": 0}))
    stop_reason = "end_turn"
    if reply.tool_input is not None:
        stop_reason = "tool_use"
        block = {"type": "tool_use", "id": "toolu_1", "name": "propose_plan_changes", "input": {}}
        events.append(
            _event("content_block_start", {"type": "content_block_start", "index": 1, "content_block": block})
        )
        partial = json.dumps(reply.tool_input)
        events.append(
            _event(
                "content_block_delta",
                {
                    "type": "content_block_delta",
                    "index": 1,
                    "delta": {"type": "input_json_delta", "partial_json": partial},
                },
            )
        )
        events.append(_event("content_block_stop", {"type": "content_block_stop", "index": 1}))
    events.append(
        _event(
            "message_delta",
            {
                "type": "message_delta",
                "delta": {"stop_reason": stop_reason, "stop_sequence": None},
                "usage": {"output_tokens": 25},
            },
        )
    )
    events.append(_event("message_stop", {"type": "message_stop"}))
    return events


@dataclass
class AnthropicStandIn:
    script: list[Streamed | Failing] = field(default_factory=list)
    requests: list[dict[str, Any]] = field(default_factory=list)
    hanging: threading.Event = field(default_factory=threading.Event)
    """Set on stop: releases the replies that hang."""
    rejects_temperature: bool = False
    """Answer a request with a `temperature` 400, as the models that take no sampling parameters do
    (without taking a scripted reply)."""
    _server: ThreadingHTTPServer | None = None

    @property
    def url(self) -> str:
        assert self._server is not None
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> None:
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", "0"))
                request = json.loads(self.rfile.read(length))
                owner.requests.append(request)
                reply: Streamed | Failing
                if owner.rejects_temperature and "temperature" in request:
                    reply = Failing(400, error="invalid_request_error", message="`temperature` is deprecated")
                else:
                    reply = owner.script.pop(0)
                if isinstance(reply, Failing):
                    body = json.dumps(
                        {"type": "error", "error": {"type": reply.error, "message": reply.message}}
                    ).encode()
                    self.send_response(reply.status)
                    for name, value in reply.headers:
                        self.send_header(name, value)
                    self.send_header("Content-Type", "application/json")
                    self.send_header("Content-Length", str(len(body)))
                    self.end_headers()
                    self.wfile.write(body)
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Connection", "close")
                self.end_headers()
                events = _events(reply)
                if reply.cut_after_texts is not None:
                    events = events[: 2 + reply.cut_after_texts]
                if reply.hang_after_texts is not None:
                    events = events[: 2 + reply.hang_after_texts]
                for event in events:
                    self.wfile.write(event)
                    self.wfile.flush()
                if reply.hang_after_texts is not None:
                    owner.hanging.wait(60)
                self.close_connection = True

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        server = self._server
        threading.Thread(target=lambda: server.serve_forever(poll_interval=0.05), daemon=True).start()

    def stop(self) -> None:
        self.hanging.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
