"""Fixtures of the operations tests: the served API they probe, one per test module (its Redis keys deleted
afterwards), and a client of it."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from tests.adapters.api_ports.redis_server import delete_prefixed
from tests.api.server import REDIS_URL, RunningApi, fresh_database, running_api, test_settings


@pytest.fixture(scope="module")
async def ops() -> AsyncIterator[RunningApi]:
    async with fresh_database() as url, running_api(test_settings(url)) as running:
        try:
            yield running
        finally:
            await delete_prefixed(REDIS_URL, running.api.settings.redis_key_prefix)


@pytest.fixture
async def http(ops: RunningApi) -> AsyncIterator[httpx.AsyncClient]:
    async with ops.client() as client:
        yield client
