"""The baseline of the coach benchmark: the same frames broadcast by a bare Starlette WebSocket endpoint.

Run as its own process (`python -m bench._coach_baseline PORT`). Clients connect to `/ws` and send one
text message: `watch` (this socket receives a reply) or `idle`.
`POST /start?streams=S&tokens=T&rate=R&ramp=W` starts `S` replies on the first `S` watching sockets,
evenly over `W` seconds (0: at once): each produces `T` tokens, `R` per second, stamped with the time
they were produced (as the benchmark's provider stamps them), coalesced into frames of at
most `FRAME_SECONDS` like the API's chat feed, each sent as a graphql-transport-ws `next` message shaped
like a `coachChat` event; then a `COMPLETED` frame. No GraphQL, no Redis, no authorisation, no log: the
ceiling of what a Python WebSocket server on this machine can push.
"""

from __future__ import annotations

import asyncio
import json
import sys
import time

import uvicorn
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

FRAME_SECONDS = 0.05


def chat_frame(kind: str, seq: int, text: str) -> str:
    event = {"cursor": f"{seq}", "kind": kind, "seq": seq, "text": text}
    return json.dumps({"id": "1", "type": "next", "payload": {"data": {"coachChat": event}}})


async def _reply(socket: WebSocket, tokens: int, rate: float, delay: float) -> None:
    await asyncio.sleep(delay)
    interval, start = 1.0 / rate, time.monotonic()
    pending: list[str] = []
    flushed_at, seq = time.monotonic(), 0
    for index in range(tokens):
        await asyncio.sleep(max(0.0, start + index * interval - time.monotonic()))
        stamp = f"t{time.time():.6f} "
        pending.append(f"r{time.time():.6f} {stamp}" if index == 0 else stamp)
        if index == 0 or time.monotonic() - flushed_at >= FRAME_SECONDS:
            seq += 1
            await socket.send_text(chat_frame("DELTA", seq, "".join(pending)))
            pending.clear()
            flushed_at = time.monotonic()
    if pending:
        seq += 1
        await socket.send_text(chat_frame("DELTA", seq, "".join(pending)))
    await socket.send_text(chat_frame("COMPLETED", seq + 1, ""))


def baseline_app() -> Starlette:
    watching: list[WebSocket] = []
    replies: set[asyncio.Task[None]] = set()

    async def endpoint(socket: WebSocket) -> None:
        await socket.accept()
        if await socket.receive_text() == "watch":
            watching.append(socket)
        try:
            while True:
                await socket.receive_text()
        except WebSocketDisconnect:
            if socket in watching:
                watching.remove(socket)

    async def start(request: Request) -> JSONResponse:
        streams = int(request.query_params["streams"])
        tokens, rate = int(request.query_params["tokens"]), float(request.query_params["rate"])
        spacing = float(request.query_params.get("ramp", "0")) / max(1, streams)
        for position, socket in enumerate(watching[:streams]):
            task = asyncio.create_task(_reply(socket, tokens, rate, position * spacing))
            replies.add(task)
            task.add_done_callback(replies.discard)
        return JSONResponse({"started": min(streams, len(watching))})

    return Starlette(routes=[WebSocketRoute("/ws", endpoint), Route("/start", start, methods=["POST"])])


def main() -> None:
    port = int(sys.argv[1])
    uvicorn.run(baseline_app(), host="127.0.0.1", port=port, log_level="warning")


if __name__ == "__main__":
    main()
