"""The local provider of the coach benchmark: Anthropic's streaming Messages API on 127.0.0.1, paced.

Run as its own process (`python -m bench._coach_provider PORT TOKENS RATE`), so its pacing does not share
an event loop with the clients or the server. Every request is answered with one streamed text block of
`TOKENS` text deltas, `RATE` per second. Each token carries the wall-clock time it was emitted
(`t<seconds> `) and the first one also the time the request arrived (`r<seconds> `), so a client that
receives the text can tell how long each token spent in the server, and how long the server took before
asking the model. The machine's clock is shared by every process of the benchmark.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections.abc import AsyncIterator
from typing import Any

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import StreamingResponse
from starlette.routing import Route


def _event(name: str, data: dict[str, Any]) -> bytes:
    return f"event: {name}\ndata: {json.dumps(data)}\n\n".encode()


def _text_delta(text: str) -> bytes:
    delta = {"type": "text_delta", "text": text}
    return _event("content_block_delta", {"type": "content_block_delta", "index": 0, "delta": delta})


async def _stream(arrived: float, model: str, tokens: int, rate: float) -> AsyncIterator[bytes]:
    message: dict[str, Any] = {"id": "msg_bench", "type": "message", "role": "assistant", "model": model}
    message |= {"content": [], "stop_reason": None, "stop_sequence": None}
    message["usage"] = {"input_tokens": 200, "output_tokens": 1}
    yield _event("message_start", {"type": "message_start", "message": message})
    block = {"type": "text", "text": ""}
    yield _event("content_block_start", {"type": "content_block_start", "index": 0, "content_block": block})
    interval = 1.0 / rate
    start = time.monotonic()
    for index in range(tokens):
        await asyncio.sleep(max(0.0, start + index * interval - time.monotonic()))
        stamp = f"t{time.time():.6f} "
        yield _text_delta(f"r{arrived:.6f} {stamp}" if index == 0 else stamp)
    yield _event("content_block_stop", {"type": "content_block_stop", "index": 0})
    delta = {"stop_reason": "end_turn", "stop_sequence": None}
    yield _event(
        "message_delta", {"type": "message_delta", "delta": delta, "usage": {"output_tokens": tokens}}
    )
    yield _event("message_stop", {"type": "message_stop"})


def provider_app(tokens: int, rate: float) -> Starlette:
    async def messages(request: Request) -> StreamingResponse:
        arrived = time.time()
        body = await request.json()
        model = str(body.get("model", "claude-bench"))
        return StreamingResponse(_stream(arrived, model, tokens, rate), media_type="text/event-stream")

    return Starlette(routes=[Route("/v1/messages", messages, methods=["POST"])])


def main() -> None:
    port, tokens, rate = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
    uvicorn.run(provider_app(tokens, rate), host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()
