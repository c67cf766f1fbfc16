"""Coaching sessions over the real server: starting one (about one's own plan only), sending messages
(an offline client's replay adds nothing), the reply appearing in the session's messages, ending a
session, the queries (newest first, pages, node, usage) and the user errors of each."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest

from domain.coaching import coaching_stream
from domain.coaching.reply_ids import reply_id_for
from domain.errors import DomainError
from tests.api.coaching.coach_support import (
    END,
    NODE,
    SESSION,
    SESSIONS,
    START,
    USAGE,
    CoachDriver,
    messages_of,
    send,
    sent,
    start_session,
    wait_for_messages,
)
from tests.api.graphql_client import create_plan, register
from tests.api.live_support import codes, eventually, raw_id


async def test_given_ones_own_plan_when_a_session_is_started_about_it_then_it_is_active_and_names_it(
    ada,
):
    plan = await create_plan(ada, "Coached legs")
    session = await start_session(ada, personality="DRILL_SERGEANT", planId=plan["id"])
    assert session["status"] == "ACTIVE"
    assert session["personality"] == "DRILL_SERGEANT"
    assert session["messageCount"] == 0
    assert session["endedAt"] is None
    assert session["plan"] == {"id": plan["id"]}


async def test_given_someone_elses_plan_when_a_session_is_started_about_it_then_it_is_not_found(ada, bob):
    bobs_plan = await create_plan(bob, "Bob's arms")
    payload = (await ada.data(START, {"input": {"planId": bobs_plan["id"]}}))["startCoachingSession"]
    assert payload["session"] is None
    assert [error["code"] for error in payload["userErrors"]] == ["NOT_FOUND"]


async def test_given_the_same_command_id_when_a_session_is_started_twice_then_it_is_one_session(ada):
    command_id = str(uuid.uuid4())
    first = await start_session(ada, commandId=command_id)
    again = await start_session(ada, commandId=command_id)
    assert again["id"] == first["id"]


async def test_given_a_session_when_a_message_is_sent_then_it_and_its_reply_are_pending_and_counted(ada):
    session = await start_session(ada)
    payload = await send(ada, session["id"], "How many sets per week for chest?")
    assert payload["userErrors"] == []
    message, reply = payload["message"], payload["reply"]
    assert (message["role"], message["status"], message["text"]) == (
        "USER",
        "PENDING",
        "How many sets per week for chest?",
    )
    assert (reply["role"], reply["status"], reply["text"], reply["inReplyTo"]) == (
        "COACH",
        "PENDING",
        "",
        message["id"],
    )
    assert raw_id(reply["id"]) == reply_id_for(raw_id(message["id"]))
    assert payload["session"] == {"id": session["id"], "messageCount": 1}


async def test_given_an_offline_client_when_it_sends_the_same_client_message_id_again_then_nothing_is_added(
    served, ada
):
    session = await start_session(ada)
    first = await sent(ada, session["id"], "Queued while offline", clientMessageId="phone-42")
    again = await send(ada, session["id"], "Queued while offline", clientMessageId="phone-42")
    assert again["userErrors"] == []
    assert again["message"]["id"] == first["id"]
    assert again["reply"]["inReplyTo"] == first["id"]
    assert raw_id(again["reply"]["id"]) == reply_id_for(raw_id(first["id"]))
    assert again["session"]["messageCount"] == 1
    recorded = await served.api.core.store.read_stream(coaching_stream(raw_id(session["id"])))
    assert [record.type for record in recorded] == ["CoachingSessionStarted", "UserMessageSent"]


async def test_given_the_same_command_id_when_a_message_is_sent_twice_then_it_is_sent_once(served, ada):
    session = await start_session(ada)
    command_id = str(uuid.uuid4())
    first = await sent(ada, session["id"], "Once", commandId=command_id)
    again = await sent(ada, session["id"], "Once", commandId=command_id)
    assert again["id"] == first["id"]
    recorded = await served.api.core.store.read_stream(coaching_stream(raw_id(session["id"])))
    assert [record.type for record in recorded].count("UserMessageSent") == 1


async def test_given_bad_texts_when_sent_then_each_is_a_user_error_naming_the_text(ada):
    session = await start_session(ada)
    for text in ("", "   ", "x" * 4001):
        payload = await send(ada, session["id"], text)
        assert payload["message"] is None
        assert [(e["code"], e["field"]) for e in payload["userErrors"]] == [("VALIDATION", "input.text")], (
            text
        )


async def test_given_a_message_when_the_coach_answers_then_the_session_lists_both_in_order(ada, coach):
    session = await start_session(ada)
    message = await sent(ada, session["id"], "What should I eat before training?")
    reply = await coach.answer(session["id"], message["id"], "Carbohydrates and some protein, 1-3 h before.")
    question, answer = await wait_for_messages(ada, session["id"], 2)
    assert (question["id"], question["status"]) == (message["id"], "COMPLETE")
    assert answer["role"] == "COACH"
    assert answer["text"] == "Carbohydrates and some protein, 1-3 h before."
    assert (answer["provider"], answer["model"], answer["confidence"]) == ("offline", "test-coach", 0.75)
    assert answer["inReplyTo"] == message["id"]
    assert raw_id(answer["id"]) == reply.reply_id


async def test_given_many_messages_when_paged_then_the_pages_follow_each_other_without_gaps(ada, coach):
    session = await start_session(ada)
    for n in range(3):
        message = await sent(ada, session["id"], f"Question {n}")
        await coach.answer(session["id"], message["id"], f"Answer {n}")
    await wait_for_messages(ada, session["id"], 6)
    seen: list[str] = []
    after = None
    while True:
        page = (await ada.data(SESSION, {"id": session["id"], "first": 4, "after": after}))["coachingSession"]
        seen += [edge["node"]["text"] for edge in page["messages"]["edges"]]
        if not page["messages"]["pageInfo"]["hasNextPage"]:
            break
        after = page["messages"]["pageInfo"]["endCursor"]
    assert seen == ["Question 0", "Answer 0", "Question 1", "Answer 1", "Question 2", "Answer 2"]


async def test_given_an_ended_session_when_a_message_is_sent_then_it_is_refused(ada):
    session = await start_session(ada)
    ended = (await ada.data(END, {"input": {"sessionId": session["id"]}}))["endCoachingSession"]
    assert ended["userErrors"] == []
    assert ended["session"]["status"] == "ENDED"
    assert ended["session"]["endedAt"] is not None
    payload = await send(ada, session["id"], "Still there?")
    assert [error["code"] for error in payload["userErrors"]] == ["COACHING_SESSION_ENDED"]


async def test_given_more_waiting_messages_than_allowed_then_the_next_is_refused(ada):
    session = await start_session(ada)
    for n in range(3):
        await sent(ada, session["id"], f"Hello {n}")
    payload = await send(ada, session["id"], "Hello again")
    assert [error["code"] for error in payload["userErrors"]] == ["TOO_MANY_PENDING_MESSAGES"]


async def test_given_an_unknown_or_malformed_session_id_then_each_is_a_clear_user_error(ada):
    missing = await send(ada, "Q29hY2hpbmdTZXNzaW9uOjAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMA", "hi")
    assert [error["code"] for error in missing["userErrors"]] == ["COACHING_SESSION_NOT_FOUND"]
    malformed = await send(ada, "not-an-id", "hi")
    assert [(e["code"], e["field"]) for e in malformed["userErrors"]] == [
        ("BAD_USER_INPUT", "input.sessionId")
    ]


async def test_given_several_sessions_when_listed_then_newest_first_in_pages(served):
    async with served.client() as http:
        cleo = await register(http, "Cleo")
        started = [(await start_session(cleo))["id"] for _ in range(3)]
        await eventually(
            lambda: cleo.data(SESSIONS, {"first": 10}),
            lambda body: len(body["coachingSessions"]["edges"]) == 3,
        )
        first_page = (await cleo.data(SESSIONS, {"first": 2}))["coachingSessions"]
        assert first_page["pageInfo"]["hasNextPage"] is True
        after = first_page["pageInfo"]["endCursor"]
        second_page = (await cleo.data(SESSIONS, {"first": 2, "after": after}))["coachingSessions"]
        ids = [edge["node"]["id"] for edge in first_page["edges"] + second_page["edges"]]
        assert ids == list(reversed(started))
        assert (second_page["pageInfo"]["hasNextPage"], second_page["pageInfo"]["hasPreviousPage"]) == (
            False,
            True,
        )


async def test_given_a_session_and_a_message_then_node_finds_them_and_the_pending_reply(ada, coach):
    session = await start_session(ada)
    payload = await send(ada, session["id"], "Node me")
    message, reply = payload["message"], payload["reply"]
    listed = await eventually(lambda: messages_of(ada, session["id"]), lambda found: len(found) == 2)
    assert [(m["id"], m["role"], m["status"]) for m in listed] == [
        (message["id"], "USER", "PENDING"),
        (reply["id"], "COACH", "PENDING"),
    ]
    assert (await ada.data(NODE, {"id": session["id"]}))["node"] == {"id": session["id"], "status": "ACTIVE"}
    assert (await ada.data(NODE, {"id": message["id"]}))["node"] == {
        "id": message["id"],
        "text": "Node me",
        "messageStatus": "PENDING",
    }
    assert (await ada.data(NODE, {"id": reply["id"]}))["node"] == {
        "id": reply["id"],
        "text": "",
        "messageStatus": "PENDING",
    }
    claimed = await coach.claim(session["id"], message["id"])
    assert claimed.reply_id == raw_id(reply["id"])
    await eventually(
        lambda: ada.data(NODE, {"id": reply["id"]}),
        lambda found: found["node"]["messageStatus"] == "STREAMING",
    )
    await coach.complete(claimed, "Noted.")
    await eventually(
        lambda: ada.data(NODE, {"id": reply["id"]}),
        lambda found: found["node"] == {"id": reply["id"], "text": "Noted.", "messageStatus": "COMPLETE"},
    )


async def test_given_waiting_messages_when_the_session_ends_then_their_replies_fail(ada, coach):
    session = await start_session(ada)
    first = await sent(ada, session["id"], "Being answered")
    await sent(ada, session["id"], "Still waiting")
    claimed = await coach.claim(session["id"], first["id"])
    ended = (await ada.data(END, {"input": {"sessionId": session["id"]}}))["endCoachingSession"]
    assert ended["userErrors"] == []
    listed = await wait_for_messages(ada, session["id"], 4, last_status="FAILED")
    assert [(m["role"], m["status"]) for m in listed] == [
        ("USER", "FAILED"),
        ("COACH", "FAILED"),
        ("USER", "FAILED"),
        ("COACH", "FAILED"),
    ]
    with pytest.raises(DomainError) as refused:  # the worker that was answering is too late
        await coach.complete(claimed, "Too late.")
    assert refused.value.code == "REPLY_NOT_CLAIMED"


async def test_given_replies_today_when_usage_is_asked_then_it_counts_their_tokens(served):
    async with served.client() as http:
        dana = await register(http, "Dana")
        coach = CoachDriver(served.api)
        session = await start_session(dana)
        for n in range(2):
            message = await sent(dana, session["id"], f"Question {n}")
            await coach.answer(session["id"], message["id"], f"Answer {n}")
        await wait_for_messages(dana, session["id"], 4)
        today = datetime.now(UTC).date().isoformat()
        usage = (await dana.data(USAGE, {"day": today}))["coachUsage"]
        assert usage == {"day": today, "inputTokens": 240, "outputTokens": 80, "replies": 2}
        assert (await dana.data(USAGE, {"day": "2020-01-01"}))["coachUsage"]["replies"] == 0
        bad = await dana.execute(USAGE, {"day": "yesterday"})
        assert codes(bad) == ["BAD_USER_INPUT"]
