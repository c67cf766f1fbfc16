"""`coachChat` over real WebSockets, on both protocols: after the session's `chatCursor`, a message sent and
its reply's events arrive in order (MESSAGE, STARTED, DELTA frames, RESET, COMPLETED with the recorded
message, or FAILED), each with a cursor that resumes right after it; a message sent again adds no event;
a bad cursor is BAD_USER_INPUT, a cursor of another chat a GAP; someone else's session is NOT_FOUND; a
socket whose session signs out mid-reply gets nothing more and is closed with 4403."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from application.coaching.chat_feed import FeedCursor
from tests.api.coaching.coach_support import (
    CHAT,
    CoachDriver,
    chat_cursor,
    chat_event,
    chat_events_until,
    sent,
    start_session,
)
from tests.api.graphql_client import data, register
from tests.api.live_support import codes, eventually
from tests.api.server import RunningApi, fresh_database, running_api, test_settings
from tests.api.socket_clients import PROTOCOLS, TRANSPORT, socket_client
from tests.api.subscriptions.subscription_support import bearer

SESSION_CHECK_SECONDS = 1.0
LOGOUT = "mutation { logout { ended userErrors { code } } }"
ME = "{ me { id } }"


@pytest.fixture(scope="module")
async def served() -> AsyncIterator[RunningApi]:
    """This module's API, whose sockets re-check their session every second."""
    async with (
        fresh_database() as url,
        running_api(test_settings(url, ws_session_check_seconds=SESSION_CHECK_SECONDS)) as running,
    ):
        yield running


def steps(events: list[dict[str, Any]]) -> list[tuple[str, int, str]]:
    return [(event["kind"], event["seq"], event["text"]) for event in events]


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_given_a_watched_session_when_a_message_is_answered_then_its_events_come_in_order(
    served, protocol
):
    coach = CoachDriver(served.api)
    async with served.client() as http:
        ada = await register(http, "Ada")
        session = await start_session(ada)
        async with socket_client(served.ws_url, protocol, bearer(ada)) as live:
            watching = await live.start(CHAT, {"sessionId": session["id"], "after": session["chatCursor"]})
            message = await sent(ada, session["id"], "How do I warm up for squats?")
            claimed = await coach.claim(session["id"], message["id"])
            publisher = coach.publisher(claimed)
            await publisher.started("offline")
            for text in ("Half ", "a reply"):
                await publisher.delta(text)
                await publisher.flush()
            await publisher.reset("offline")
            for text in ("Five minutes ", "of easy cardio, ", "then ramp-up sets."):
                await publisher.delta(text)
                await publisher.flush()
            position = await coach.complete(claimed, "Five minutes of easy cardio, then ramp-up sets.")
            await publisher.completed("offline", position)

            events = await chat_events_until(live, watching, "COMPLETED")
    asked, started, *streamed, completed = events
    assert (asked["kind"], asked["messageId"], asked["replyId"]) == ("MESSAGE", message["id"], None)
    assert (asked["message"]["role"], asked["message"]["text"]) == ("USER", "How do I warm up for squats?")
    assert (started["kind"], started["provider"], started["messageId"]) == (
        "STARTED",
        "offline",
        message["id"],
    )
    assert steps(streamed) == [
        ("DELTA", 1, "Half "),
        ("DELTA", 2, "a reply"),
        ("RESET", 0, ""),
        ("DELTA", 1, "Five minutes "),
        ("DELTA", 2, "of easy cardio, "),
        ("DELTA", 3, "then ramp-up sets."),
    ]
    final = completed["message"]
    assert final["id"] == completed["replyId"] == started["replyId"]
    assert (final["role"], final["status"], final["text"], final["provider"]) == (
        "COACH",
        "COMPLETE",
        "Five minutes of easy cardio, then ramp-up sets.",
        "offline",
    )
    assert len({event["cursor"] for event in events}) == len(events)


async def test_given_a_cursor_of_the_chat_then_the_events_after_it_come_once(served):
    coach = CoachDriver(served.api)
    async with served.client() as http:
        ada = await register(http, "Ada")
        session = await start_session(ada)
        start = session["chatCursor"]
        message = await sent(ada, session["id"], "Hello?")
        await coach.answer(session["id"], message["id"], "Hello! How can I help with your training?")
        async with socket_client(served.ws_url, TRANSPORT, bearer(ada)) as live:
            everything = await chat_events_until(
                live, await live.start(CHAT, {"sessionId": session["id"], "after": start}), "COMPLETED"
            )
            resumed = await chat_events_until(
                live,
                await live.start(CHAT, {"sessionId": session["id"], "after": everything[1]["cursor"]}),
                "COMPLETED",
            )
    assert [event["kind"] for event in everything] == ["MESSAGE", "STARTED", "DELTA", "DELTA", "COMPLETED"]
    assert resumed == everything[2:]


async def test_given_a_message_sent_again_then_it_adds_no_event(served):
    async with served.client() as http:
        ada = await register(http, "Ada")
        session = await start_session(ada)
        start = session["chatCursor"]
        first = await sent(ada, session["id"], "Is creatine safe?", clientMessageId="queued-1")
        again = await sent(ada, session["id"], "Is creatine safe?", clientMessageId="queued-1")
        assert again["id"] == first["id"]
        later = await sent(ada, session["id"], "And caffeine?")
        async with socket_client(served.ws_url, TRANSPORT, bearer(ada)) as live:
            watching = await live.start(CHAT, {"sessionId": session["id"], "after": start})
            events = [chat_event(await live.result(watching)) for _ in range(2)]
            assert [(event["kind"], event["messageId"]) for event in events] == [
                ("MESSAGE", first["id"]),
                ("MESSAGE", later["id"]),
            ]
            with pytest.raises(TimeoutError):
                await live.result(watching, timeout=0.5)


async def test_given_a_bad_cursor_then_it_is_a_bad_user_input_on_after(served):
    async with served.client() as http:
        ada = await register(http, "Ada")
        session = await start_session(ada)
        head = FeedCursor.parse(await chat_cursor(ada, session["id"]))
        past_the_end = FeedCursor(head.origin, head.number + 5).text()
        async with socket_client(served.ws_url, TRANSPORT, bearer(ada)) as live:
            for bad in ("not-a-cursor", past_the_end):
                refused = await live.result(
                    await live.start(CHAT, {"sessionId": session["id"], "after": bad})
                )
                assert codes(refused) == ["BAD_USER_INPUT"]
                assert refused["errors"][0]["extensions"]["field"] == "after"


async def test_given_a_cursor_of_another_chat_then_a_gap_comes_first(served):
    async with served.client() as http:
        ada = await register(http, "Ada")
        session, other = await start_session(ada), await start_session(ada)
        await sent(ada, other["id"], "Hello?")
        elsewhere = await chat_cursor(ada, other["id"])
        message = await sent(ada, session["id"], "How many sets per week?")
        async with socket_client(served.ws_url, TRANSPORT, bearer(ada)) as live:
            watching = await live.start(CHAT, {"sessionId": session["id"], "after": elsewhere})
            gap, asked = [chat_event(await live.result(watching)) for _ in range(2)]
    assert (gap["kind"], gap["messageId"], gap["message"]) == ("GAP", None, None)
    assert (asked["kind"], asked["messageId"]) == ("MESSAGE", message["id"])


async def test_given_someone_elses_session_when_watched_then_it_is_not_found(served):
    async with served.client() as http:
        ada, bob = await register(http, "Ada"), await register(http, "Bob")
        session = await start_session(ada)
        async with socket_client(served.ws_url, TRANSPORT, bearer(bob)) as live:
            refused = await live.result(await live.start(CHAT, {"sessionId": session["id"]}))
            assert codes(refused) == ["NOT_FOUND"]
            assert not refused.get("data")


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_given_a_reply_streaming_when_the_session_signs_out_then_nothing_more_arrives_and_it_closes(
    served, protocol
):
    coach = CoachDriver(served.api)
    async with served.client() as http:
        ada = await register(http, "Ada")
        session = await start_session(ada)
        message = await sent(ada, session["id"], "Give me a leg day")
        claimed = await coach.claim(session["id"], message["id"])
        publisher = coach.publisher(claimed)
        after = await chat_cursor(ada, session["id"])
        async with socket_client(served.ws_url, protocol, bearer(ada)) as live:
            watching = await live.start(CHAT, {"sessionId": session["id"], "after": after})
            await publisher.started("offline")
            await publisher.delta("Squats, ")
            await publisher.flush()
            assert steps(await chat_events_until(live, watching, "DELTA")) == [
                ("STARTED", 0, ""),
                ("DELTA", 1, "Squats, "),
            ]

            assert (await data(http, LOGOUT, token=ada.access_token))["logout"]["ended"]
            await eventually(
                lambda: http.post("/graphql", json={"query": ME}, headers=bearer(ada)),
                lambda response: codes(response.json()) == ["UNAUTHENTICATED"],
            )
            for text in ("lunges, ", "and calf raises."):
                await publisher.delta(text)
                await publisher.flush()
                await asyncio.sleep(0.05)
            # No event after the sign-out carries data (checked by closed_with), and the socket is closed.
            assert await live.closed_with(timeout=5 * SESSION_CHECK_SECONDS + 2) == 4403


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_given_a_reply_streaming_when_clients_hang_up_then_the_server_logs_no_error(served, protocol):
    """A client may hang up while a frame is on its way to it: the server drops that push quietly rather
    than logging an error for an ordinary disconnect. Forty clients, one after the other, each resume the
    reply, take a frame and hang up while the frames keep coming every few milliseconds, so some close
    frames land between a push's start and its send."""
    coach = CoachDriver(served.api)
    async with served.client() as http:
        ada = await register(http, "Ada")
        session = await start_session(ada)
        message = await sent(ada, session["id"], "How do I warm up for squats?")
        publisher = coach.publisher(await coach.claim(session["id"], message["id"]))
        await publisher.started("offline")
        hanging_up = asyncio.Event()

        async def stream() -> None:
            while not hanging_up.is_set():
                await publisher.delta("squat ")
                await publisher.flush()
                await asyncio.sleep(0.002)

        streaming = asyncio.create_task(stream())
        cursor = session["chatCursor"]
        kinds: set[str] = set()
        for _ in range(40):
            async with socket_client(served.ws_url, protocol, bearer(ada)) as live:
                watching = await live.start(CHAT, {"sessionId": session["id"], "after": cursor})
                events = await chat_events_until(live, watching, "DELTA")
            kinds.add(events[-1]["kind"])
            cursor = events[-1]["cursor"]
        hanging_up.set()
        await streaming
        await asyncio.sleep(0.2)  # the servers' last pushes to the closed sockets

    assert kinds == {"DELTA"}
