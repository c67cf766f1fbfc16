"""Fixtures of the coaching API tests: Ada and Bob signed in for a module, the stand-in coach worker, and
a watch that fails a test on any server error."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from tests.api.coaching.coach_support import CoachDriver
from tests.api.graphql_client import Session, register
from tests.api.live_support import server_errors_fail_the_test
from tests.api.server import RunningApi


@pytest.fixture(autouse=True)
def no_server_errors() -> Iterator[None]:
    with server_errors_fail_the_test():
        yield


@pytest.fixture(scope="module")
async def ada(served: RunningApi) -> AsyncIterator[Session]:
    async with served.client() as http:
        yield await register(http, "Ada")


@pytest.fixture(scope="module")
async def bob(served: RunningApi) -> AsyncIterator[Session]:
    async with served.client() as http:
        yield await register(http, "Bob")


@pytest.fixture(scope="module")
def coach(served: RunningApi) -> CoachDriver:
    return CoachDriver(served.api)
