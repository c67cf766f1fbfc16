"""`coachReply` over real WebSockets: a reply's signals arrive in order (started, deltas by `seq`, reset,
completed with the recorded message, or failed), on both protocols; someone else's session is NOT_FOUND;
a socket whose session signs out mid-reply gets nothing more and is closed with 4403."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import pytest

from application.coaching.reply_stream import ReplySignal
from tests.api.coaching.coach_support import WATCH, Claimed, CoachDriver, sent, start_session
from tests.api.graphql_client import Session, data, register
from tests.api.live_support import codes, eventually
from tests.api.server import RunningApi, fresh_database, running_api, test_settings
from tests.api.socket_clients import PROTOCOLS, TRANSPORT, SocketClient, socket_client

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


def bearer(session: Session) -> dict[str, str]:
    return {"authorization": f"Bearer {session.access_token}"}


def reply_of(result: dict[str, Any]) -> dict[str, Any]:
    assert not result.get("errors"), result
    event: dict[str, Any] = result["data"]["coachReply"]
    return event


async def watch_until_live(
    live: SocketClient, coach: CoachDriver, session_id: str, claimed: Claimed
) -> tuple[str, dict[str, Any]]:
    """Subscribe, and publish STARTED until one arrives (a subscription sends nothing before the first
    signal, so this is how a test knows it listens); the operation id and that first event."""
    operation_id = await live.start(WATCH, {"sessionId": session_id})
    for _ in range(100):
        await coach.publish(claimed, ReplySignal.STARTED, provider="offline")
        try:
            return operation_id, reply_of(await live.result(operation_id, timeout=0.1))
        except TimeoutError:
            continue
    raise AssertionError("the subscription never received a signal")


async def events_until(live: SocketClient, operation_id: str, last: str) -> list[dict[str, Any]]:
    """The events after the STARTED ones that made the subscription live, up to the first `last`."""
    seen: list[dict[str, Any]] = []
    while not seen or seen[-1]["signal"] != last:
        event = reply_of(await live.result(operation_id))
        if event["signal"] != "STARTED" or seen:
            seen.append(event)
    return seen


@pytest.mark.parametrize("protocol", PROTOCOLS)
async def test_given_a_watched_session_when_the_coach_replies_then_deltas_come_in_order_then_the_message(
    served, protocol
):
    coach = CoachDriver(served.api)
    async with served.client() as http:
        ada = await register(http, "Ada")
        session = await start_session(ada)
        message = await sent(ada, session["id"], "How do I warm up for squats?")
        async with socket_client(served.ws_url, protocol, bearer(ada)) as live:
            claimed = await coach.claim(session["id"], message["id"])
            watching, started = await watch_until_live(live, coach, session["id"], claimed)
            assert (started["signal"], started["provider"], started["messageId"]) == (
                "STARTED",
                "offline",
                message["id"],
            )
            deltas = ["Five minutes ", "of easy cardio, ", "then ramp-up sets."]
            for seq, text in enumerate(deltas, 1):
                await coach.publish(claimed, ReplySignal.DELTA, seq=seq, text=text)
            await coach.publish(claimed, ReplySignal.RESET, provider="offline")
            for seq, text in enumerate(deltas, 1):
                await coach.publish(claimed, ReplySignal.DELTA, seq=seq, text=text)
            position = await coach.complete(claimed, "".join(deltas))
            await coach.publish(claimed, ReplySignal.COMPLETED, position=position)

            events = await events_until(live, watching, "COMPLETED")
            signals = [(event["signal"], event["seq"], event["text"]) for event in events]
            streamed = [("DELTA", seq, text) for seq, text in enumerate(deltas, 1)]
            assert signals == [*streamed, ("RESET", 0, ""), *streamed, ("COMPLETED", 0, "")]
            final = events[-1]["message"]
            assert final["id"] == events[-1]["replyId"]
            assert (final["role"], final["status"], final["text"], final["provider"]) == (
                "COACH",
                "COMPLETE",
                "Five minutes of easy cardio, then ramp-up sets.",
                "offline",
            )


async def test_given_a_reply_that_fails_then_the_watcher_is_told_why(served):
    coach = CoachDriver(served.api)
    async with served.client() as http:
        ada = await register(http, "Ada")
        session = await start_session(ada)
        message = await sent(ada, session["id"], "Hello?")
        async with socket_client(served.ws_url, TRANSPORT, bearer(ada)) as live:
            claimed = await coach.claim(session["id"], message["id"])
            watching, _ = await watch_until_live(live, coach, session["id"], claimed)
            await coach.publish(claimed, ReplySignal.DELTA, seq=1, text="Hel")
            await coach.publish(claimed, ReplySignal.FAILED, text="provider_error")
            events = await events_until(live, watching, "FAILED")
            assert [(e["signal"], e["text"], e["message"]) for e in events] == [
                ("DELTA", "Hel", None),
                ("FAILED", "provider_error", None),
            ]


async def test_given_someone_elses_session_when_watched_then_it_is_not_found(served):
    async with served.client() as http:
        ada, bob = await register(http, "Ada"), await register(http, "Bob")
        session = await start_session(ada)
        async with socket_client(served.ws_url, TRANSPORT, bearer(bob)) as live:
            refused = await live.result(await live.start(WATCH, {"sessionId": session["id"]}))
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
        async with socket_client(served.ws_url, protocol, bearer(ada)) as live:
            claimed = await coach.claim(session["id"], message["id"])
            watching, _ = await watch_until_live(live, coach, session["id"], claimed)
            await coach.publish(claimed, ReplySignal.DELTA, seq=1, text="Squats, ")
            assert (await events_until(live, watching, "DELTA"))[-1]["text"] == "Squats, "

            assert (await data(http, LOGOUT, token=ada.access_token))["logout"]["ended"]
            await eventually(
                lambda: http.post(
                    "/graphql", json={"query": ME}, headers={"authorization": bearer(ada)["authorization"]}
                ),
                lambda response: codes(response.json()) == ["UNAUTHENTICATED"],
            )
            for seq, text in enumerate(["lunges, ", "and calf raises."], 2):
                await coach.publish(claimed, ReplySignal.DELTA, seq=seq, text=text)
                await asyncio.sleep(0.05)
            # No delta after the sign-out carries data (checked by closed_with), and the socket is closed.
            assert await live.closed_with(timeout=5 * SESSION_CHECK_SECONDS + 2) == 4403
