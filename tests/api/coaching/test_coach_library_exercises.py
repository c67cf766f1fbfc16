"""A page of a chat resolves its suggestions' library exercises in one statement, however many replies
and suggestions it holds (the library dataloader, never one query per suggestion)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from tests.api.coaching.coach_support import (
    CoachDriver,
    add,
    remove,
    sent,
    start_session,
    wait_for_messages,
)
from tests.api.graphql_client import register
from tests.api.statement_log import CostApi, counted_api

PAGE = """query($id: ID!) { coachingSession(id: $id) { messages(first: 20) { edges { node {
  id suggestions { id kind exercise { id name primaryMuscles contraindications } sets reps weightKg }
} } } } }"""
REPLIES = (
    (add("Test_Lunge"), add("Test_Plank"), remove("Test_Bench_Press")),
    (add("Test_Glute_Bridge"), add("Not_In_The_Library")),
    (add("Test_Pull_Up"), add("Test_Lunge")),
)


@pytest.fixture(scope="module")
async def counted() -> AsyncIterator[CostApi]:
    async with counted_api() as api:
        yield api


async def test_a_page_of_messages_loads_its_suggestions_library_exercises_in_one_statement(counted):
    cy = await register(counted.http, "Cy")
    coach = CoachDriver(counted.running.api)
    session = await start_session(cy)
    for suggestions in REPLIES:
        message = await sent(cy, session["id"], "What should I change?")
        await coach.answer(session["id"], message["id"], "Try these.", suggestions)
    await wait_for_messages(cy, session["id"], 2 * len(REPLIES))

    data, statements = await counted.run(cy.access_token, PAGE, {"id": session["id"]})
    replies = [edge["node"] for edge in data["coachingSession"]["messages"]["edges"]][1::2]
    names = [[s["exercise"] and s["exercise"]["name"] for s in reply["suggestions"]] for reply in replies]
    assert names == [
        ["Walking lunge", "Plank", "Bench press"],
        ["Glute bridge", None],
        ["Pull-up", "Walking lunge"],
    ]
    assert len([statement for statement in statements if "library.exercises" in statement]) == 1
