"""Fixtures of the library API tests: one served API per module whose statements are counted per
request, with the test catalogue (and one retired exercise) defined through the real command handler
and projected by the API's own in-process projector. Every served API also holds the shared test library
(`tests.library_support`, ids `Test_...`); these tests look at their own exercises (ids `T_...`)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from schema.ids import global_id
from tests.adapters.api_ports.redis_server import eventually
from tests.api.graphql_client import Session, register
from tests.api.statement_log import CostApi, counted_api
from tests.library_support import TEST_LIBRARY
from tests.projections.library.library_support import CATALOGUE, Library, definition

RETIRED = definition("T_Old_Bench_Press", "Bench Press Machine (old)")


def mine(exercise_ids: list[str]) -> list[str]:
    """The ids of this module's catalogue among `exercise_ids`, in their order."""
    return [exercise_id for exercise_id in exercise_ids if exercise_id.startswith("T_")]


def library_id(exercise_id: str) -> str:
    return global_id("LibraryExercise", exercise_id)


@dataclass
class LibraryApi:
    api: CostApi
    library: Library
    viewer: Session


@pytest.fixture(scope="module")
async def library_api() -> AsyncIterator[LibraryApi]:
    async with counted_api() as api:
        library = Library(api.running.api.core.store)
        await library.define(*CATALOGUE, RETIRED)
        await library.retire(RETIRED.exercise_id)
        viewer = await register(api.http, "Lib")

        async def projected() -> bool:
            found = await viewer.data(
                "query($id: ID!) { exercises(first: 1) { totalCount } exercise(id: $id) { retired } }",
                {"id": library_id(RETIRED.exercise_id)},
            )
            total = found["exercises"]["totalCount"]
            return bool(total == len(CATALOGUE) + len(TEST_LIBRARY) and found["exercise"]["retired"])

        assert await eventually(projected, attempts=400), "the library projection caught up"
        yield LibraryApi(api, library, viewer)
