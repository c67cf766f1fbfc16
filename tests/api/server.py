"""A real fitcoach API for tests: uvicorn on a free port, on a migrated throwaway database and the
real Redis (under a key prefix of its own), with the projectors running in process, and the test exercise
library defined."""

from __future__ import annotations

import asyncio
import socket
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import psycopg
import uvicorn

from fitcoach.settings import Settings
from fitcoach.wiring.api import Api, build_api
from fitcoach.wiring.core import migrate_all
from server import create_app
from tests.accounts.conftest import cheap_hasher
from tests.conftest import ADMIN_URL
from tests.library_support import define_test_library

REDIS_URL = "redis://127.0.0.1:6379/0"
TEST_SECRET = "api-test-secret-that-is-long-enough-0123456789"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True, slots=True)
class RunningApi:
    api: Api
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/graphql"

    def client(self, **options: Any) -> httpx.AsyncClient:
        return httpx.AsyncClient(base_url=self.url, timeout=10.0, **options)


@asynccontextmanager
async def fresh_database(prefix: str = "fitcoach_api") -> AsyncIterator[str]:
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    async with await psycopg.AsyncConnection.connect(ADMIN_URL, autocommit=True) as admin:
        await admin.execute(f'CREATE DATABASE "{name}"')
    url = f"{ADMIN_URL.rpartition('/')[0]}/{name}"
    try:
        await migrate_all(url)
        yield url
    finally:
        async with await psycopg.AsyncConnection.connect(ADMIN_URL, autocommit=True) as admin:
            await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_settings(database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "database_url": database_url,
        "redis_url": REDIS_URL,
        "redis_key_prefix": f"fitcoach-test-{uuid.uuid4().hex[:10]}:",
        "jwt_secret": TEST_SECRET,
        "auth_rate_limit_per_minute": 10_000,
        "mutation_rate_limit_per_minute": 1_000_000,  # tests sign up and write from one address, fast
        "mutation_rate_limit_burst": 100_000,
        "coach_rate_limit_per_second": 1000,
        "coach_messages_per_minute": 10_000,
        "projection_standby_retry_seconds": 0.2,
        "coach_worker_in_process": False,  # API tests drive replies themselves; tests/coaching run the worker
    }
    return Settings(**{**values, **overrides})


test_settings.__test__ = False  # type: ignore[attr-defined]  # a helper, though pytest would collect it


@asynccontextmanager
async def running_api(settings: Settings, **adapters: Any) -> AsyncIterator[RunningApi]:
    """Serve the app on a free port until the block ends; `adapters` go to `build_api`. The store holds the
    test library (`tests.library_support`) before the first request."""
    api = await build_api(settings, passwords=cheap_hasher(), **adapters)
    try:
        await define_test_library(api.core.store)
    except BaseException:
        await api.close()
        raise
    port = free_port()
    config = uvicorn.Config(
        create_app(settings, api=api), host="127.0.0.1", port=port, log_level="warning", lifespan="on"
    )
    server = uvicorn.Server(config)
    serving = asyncio.create_task(server.serve())
    try:
        for _ in range(500):  # uvicorn offers a flag, not an event, for "listening"
            if server.started or serving.done():
                break
            await asyncio.sleep(0.02)
        if not server.started:
            await serving  # raises what stopped it
            raise RuntimeError("uvicorn did not start")
        yield RunningApi(api, port)
    finally:
        server.should_exit = True
        await serving
        await api.close()
