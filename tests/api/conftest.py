"""Fixtures of the API tests: one served API (real PostgreSQL, Redis, uvicorn) shared by a module."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from tests.api.live_support import server_errors_fail_the_test
from tests.api.server import RunningApi, fresh_database, running_api, test_settings


@pytest.fixture(scope="module")
async def served() -> AsyncIterator[RunningApi]:
    async with fresh_database() as url, running_api(test_settings(url)) as running:
        yield running


@pytest.fixture
async def client(served: RunningApi) -> AsyncIterator[httpx.AsyncClient]:
    async with served.client() as http:
        yield http


@pytest.fixture
def no_server_errors() -> Iterator[None]:
    """Fails the test on any server error; a module opts in with `pytest.mark.usefixtures` (the folders whose
    tests all do have it as an autouse fixture in their conftest)."""
    with server_errors_fail_the_test():
        yield
