"""The app over a real socket: uvicorn serving it, httpx calling it."""

from __future__ import annotations

import asyncio
import socket

import httpx
import uvicorn

from server import create_app


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


async def test_health_answers_over_a_real_socket_and_other_methods_are_refused():
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(), host="127.0.0.1", port=port, log_level="warning"))
    serving = asyncio.create_task(server.serve())
    try:
        for _ in range(500):  # uvicorn offers a flag, not an event, for "listening"
            if server.started:
                break
            await asyncio.sleep(0.02)
        assert server.started
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}") as client:
            alive = await client.get("/health")
            wrong_method = await client.post("/health")
            missing = await client.get("/nowhere")
    finally:
        server.should_exit = True
        await serving
    assert (alive.status_code, alive.json()) == (200, {"status": "ok"})
    assert wrong_method.status_code == 405
    assert missing.status_code == 404
