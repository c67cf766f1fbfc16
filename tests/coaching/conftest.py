"""The coach worker tests share one database per module (the shipped library is loaded once, projections
run throughout); each test gets fresh Redis keys, read models, Claude's stand-in, and users of its own."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.coaching.worker_support import Coach, CoachDatabase, coach_database, coach_on_real_servers


@pytest.fixture(scope="module")
async def database() -> AsyncIterator[CoachDatabase]:
    async with coach_database() as running:
        yield running


@pytest.fixture
async def coach(database: CoachDatabase) -> AsyncIterator[Coach]:
    async with coach_on_real_servers(database) as running:
        yield running
