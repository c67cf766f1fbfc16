"""Fixtures of the projector tests: a database of their own (checkpoints are per database), migrated."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager

import pytest

from adapters.postgres.store import PostgresEventStore
from projections.runner import ProjectionRunner
from tests.conftest import ADMIN_URL
from tests.projections import migrated_database


def projector_database(admin_url: str = ADMIN_URL) -> AbstractAsyncContextManager[str]:
    """A fresh database with the event store and projection schemas; dropped afterwards."""
    return migrated_database("fitcoach_projector", admin_url)


@pytest.fixture
async def projection_url() -> AsyncIterator[str]:
    async with projector_database() as url:
        yield url


@pytest.fixture
async def projection_store(projection_url: str) -> AsyncIterator[PostgresEventStore]:
    store = await PostgresEventStore.connect(projection_url, max_size=4)
    try:
        yield store
    finally:
        await store.close()


class Runners:
    """Starts runners as tasks and makes sure each one ends, even when a test fails half way."""

    def __init__(self) -> None:
        self._tasks: dict[ProjectionRunner, asyncio.Task[None]] = {}

    def start(self, runner: ProjectionRunner) -> asyncio.Task[None]:
        task = asyncio.create_task(runner.run())
        self._tasks[runner] = task
        return task

    async def stop(self, runner: ProjectionRunner) -> None:
        runner.stop()
        await asyncio.wait_for(self._tasks.pop(runner), 10)

    async def stop_all(self) -> None:
        for runner, task in self._tasks.items():
            runner.stop()
            with contextlib.suppress(BaseException):
                await asyncio.wait_for(task, 10)


@pytest.fixture
async def runners(projection_store: PostgresEventStore) -> AsyncIterator[Runners]:
    """Depends on the store so that its runners end before the store closes and the database goes."""
    started = Runners()
    try:
        yield started
    finally:
        await started.stop_all()
