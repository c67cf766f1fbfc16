"""The whole chat journey through the real coach worker (in process, the offline coach, the served
database's library), over real clients, with Redis and in the embedded default without it: a session about
a plan; a second device of the user follows the chat on `coachChat` over a WebSocket while the first sends
a message; the second sees the message, then the reply streamed and recorded with suggestions built from
the library; one suggestion is accepted into the plan."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from tests.api.coaching.coach_support import ACCEPT, CHAT, sent, start_session, wait_for_messages
from tests.api.graphql_client import create_plan, exercise, register
from tests.api.live_support import eventually
from tests.api.server import RunningApi, fresh_database, running_api, test_settings
from tests.api.ws_client import graphql_ws
from tests.library_support import BENCH, TEST_LIBRARY

ADD = """mutation($input: AddExerciseInput!) { addExercise(input: $input) { userErrors { code } } }"""
LIBRARY_SIZE = "{ exercises(first: 1) { totalCount } }"
REPLY_KINDS = ("STARTED", "DELTA", "RESET", "COMPLETED", "FAILED")


@pytest.fixture(scope="module", params=["redis", "embedded"])
async def served(request: pytest.FixtureRequest) -> AsyncIterator[RunningApi]:
    """An API that runs the coach worker in process, as `fitcoach serve` does by default; with Redis, or
    with everything in process (the chat feed included)."""
    overrides: dict[str, Any] = {"coach_worker_in_process": True}
    if request.param == "embedded":
        overrides["redis_url"] = None
    async with fresh_database() as url, running_api(test_settings(url, **overrides)) as running:
        yield running


def text_of(reply_events: list[dict[str, Any]]) -> str:
    """The reply's text as a client builds it: the DELTAs after the last RESET or STARTED."""
    text = ""
    for event in reply_events:
        text = "" if event["kind"] in ("STARTED", "RESET") else text + event["text"]
    return text


async def test_given_a_message_from_one_device_then_another_sees_it_and_its_streamed_reply(served):
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
        async with graphql_ws(served.ws_url, {"authorization": f"Bearer {ada.access_token}"}) as phone:
            watching = await phone.subscribe(
                CHAT, {"sessionId": session["id"], "after": session["chatCursor"]}
            )
            message = await sent(ada, session["id"], "build me a leg day")

            events: list[dict[str, Any]] = []
            while not events or events[-1]["kind"] not in ("COMPLETED", "FAILED"):
                events.append((await phone.next_data(watching, timeout=20))["coachChat"])
        # The message's event comes first, unless the worker was faster than the API's own write.
        [asked] = [event for event in events if event["kind"] == "MESSAGE"]
        assert (asked["messageId"], asked["message"]["text"]) == (message["id"], "build me a leg day")
        reply_events = [event for event in events if event["kind"] in REPLY_KINDS]
        assert reply_events[0]["kind"] == "STARTED"
        assert reply_events[-1]["kind"] == "COMPLETED", events
        assert {event["messageId"] for event in reply_events} == {message["id"]}
        deltas = [event for event in reply_events if event["kind"] == "DELTA"]
        assert [event["seq"] for event in deltas] == list(range(1, len(deltas) + 1))
        reply = reply_events[-1]["message"]
        assert reply["status"] == "COMPLETE"
        assert reply["text"] == text_of(reply_events)
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
