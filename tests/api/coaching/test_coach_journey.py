"""The whole chat journey through the real coach worker (in process, the offline coach, the served
database's library), over real clients: a session about a plan, a message, its reply streamed live on
`coachReply` and recorded with suggestions built from the library, one suggestion accepted into the plan."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.api.coaching.coach_support import ACCEPT, WATCH, sent, start_session, wait_for_messages
from tests.api.graphql_client import create_plan, exercise, register
from tests.api.live_support import eventually
from tests.api.server import RunningApi, fresh_database, running_api, test_settings
from tests.api.ws_client import graphql_ws
from tests.library_support import BENCH, TEST_LIBRARY

ADD = """mutation($input: AddExerciseInput!) { addExercise(input: $input) { userErrors { code } } }"""
LIBRARY_SIZE = "{ exercises(first: 1) { totalCount } }"


@pytest.fixture(scope="module")
async def served() -> AsyncIterator[RunningApi]:
    """An API that runs the coach worker in process, as `fitcoach serve` does by default."""
    async with (
        fresh_database() as url,
        running_api(test_settings(url, coach_worker_in_process=True)) as running,
    ):
        yield running


async def test_given_a_message_then_the_worker_streams_the_reply_and_its_suggestion_can_be_accepted(served):
    async with served.client() as http:
        ada = await register(http, "Ada")
        await eventually(
            lambda: ada.data(LIBRARY_SIZE),
            lambda found: found["exercises"]["totalCount"] == len(TEST_LIBRARY),
        )
        plan = await create_plan(ada, "Upper body")
        assert (await ada.data(ADD, {"input": {"planId": plan["id"], "exercise": exercise(BENCH)}}))[
            "addExercise"
        ]["userErrors"] == []
        session = await start_session(ada, planId=plan["id"])
        async with graphql_ws(served.ws_url, {"authorization": f"Bearer {ada.access_token}"}) as live:
            watching = await live.subscribe(WATCH, {"sessionId": session["id"]})
            # The subscription pushes nothing before the first signal: give it a moment to be listening.
            await asyncio.sleep(0.5)
            message = await sent(ada, session["id"], "build me a leg day")

            events: list[dict[str, Any]] = []
            while not events or events[-1]["signal"] not in ("COMPLETED", "FAILED"):
                events.append((await live.next_data(watching, timeout=20))["coachReply"])
        assert events[0]["signal"] == "STARTED"
        assert events[-1]["signal"] == "COMPLETED", events
        deltas = [event for event in events if event["signal"] == "DELTA"]
        assert [event["seq"] for event in deltas] == list(range(1, len(deltas) + 1))
        reply = events[-1]["message"]
        assert reply["status"] == "COMPLETE"
        assert reply["text"] == "".join(event["text"] for event in deltas)
        assert reply["provider"] == "offline"
        assert reply["suggestions"], reply

        question, answer = await wait_for_messages(ada, session["id"], 2)
        assert question["id"] == message["id"]
        suggestion = answer["suggestions"][0]
        assert suggestion["kind"] == "ADD_EXERCISE"
        variables = {"input": {"sessionId": session["id"], "suggestionId": suggestion["id"]}}
        accepted = (await ada.data(ACCEPT, variables))["acceptSuggestion"]
        assert accepted["userErrors"] == []
        assert [e["exerciseId"] for e in accepted["plan"]["exercises"]] == [
            BENCH,
            suggestion["exercise"]["exerciseId"],
        ]
