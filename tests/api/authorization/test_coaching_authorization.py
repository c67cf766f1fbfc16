"""Who may see and drive a coaching session, entry point by entry point, over a real socket: Ada (its
owner) sees and drives it; an admin may read it for audits but not drive it; Bob gets exactly what a
missing session gets (NOT_FOUND to a read, COACHING_SESSION_NOT_FOUND to a mutation) and nothing is
written; without a token everything is unauthenticated."""

from __future__ import annotations

import json
import uuid
from dataclasses import dataclass
from typing import Any

import pytest

from domain.coaching import coaching_stream
from schema.ids import global_id
from tests.api.authorization.authorization_support import World
from tests.api.coaching.coach_support import (
    ACCEPT,
    CHAT,
    END,
    NODE,
    REJECT,
    SEND,
    SESSION,
    SESSIONS,
    START,
    USAGE,
    Claimed,
    CoachDriver,
    add,
    chat_cursor,
    messages_of,
    sent,
    start_session,
)
from tests.api.live_support import call, codes, eventually, raw_id, unauthenticated
from tests.api.ws_client import graphql_ws
from tests.library_support import DEADLIFT

MISSING_SESSION = global_id("CoachingSession", uuid.UUID(int=7))


@dataclass(frozen=True)
class Coached:
    world: World
    session_id: str
    """Ada's session about her plan: one question, one reply with an open suggestion."""
    message_id: str
    reply_id: str
    suggestion_id: str

    async def ada_stream(self) -> list[str]:
        recorded = await self.world.served.api.core.store.read_stream(
            coaching_stream(raw_id(self.session_id))
        )
        return [record.type for record in recorded]


@pytest.fixture(scope="module")
async def coached(world: World) -> Coached:
    session = await start_session(world.ada, planId=world.plan_id)
    message = await sent(world.ada, session["id"], "Anything to add?")
    suggestion = add(DEADLIFT)
    claimed = await CoachDriver(world.served.api).answer(
        session["id"], message["id"], "Deadlifts.", (suggestion,)
    )
    await eventually(lambda: messages_of(world.ada, session["id"]), lambda found: len(found) == 2)
    return Coached(
        world,
        session["id"],
        message["id"],
        global_id("CoachMessage", claimed.reply_id),
        str(suggestion.suggestion_id),
    )


READS: dict[str, tuple[str, str]] = {
    "coachingSession": (SESSION, "session"),
    "node(CoachingSession)": (NODE, "session"),
    "node(CoachMessage)": (NODE, "message"),
    "node(CoachMessage reply)": (NODE, "reply"),
}


def target(coached: Coached, kind: str) -> str:
    return {"session": coached.session_id, "message": coached.message_id, "reply": coached.reply_id}[kind]


@pytest.mark.parametrize("who", ["ada", "admin"])
@pytest.mark.parametrize("entry", READS)
async def test_given_adas_session_when_she_or_an_admin_reads_it_then_every_entry_point_shows_it(
    coached, who, entry
):
    query, kind = READS[entry]
    body = await call(
        coached.world.ada.client, query, {"id": target(coached, kind)}, token=_token(coached, who)
    )
    assert codes(body) == []
    found = body["data"]["coachingSession" if entry == "coachingSession" else "node"]
    assert found["id"] == target(coached, kind)
    if entry == "coachingSession":
        assert [edge["node"]["id"] for edge in found["messages"]["edges"]] == [
            coached.message_id,
            coached.reply_id,
        ]


@pytest.mark.parametrize("entry", READS)
async def test_given_adas_session_when_bob_reads_it_through_any_entry_point_then_it_is_not_found(
    coached, entry
):
    query, kind = READS[entry]
    body = await call(
        coached.world.bob.client, query, {"id": target(coached, kind)}, token=_token(coached, "bob")
    )
    assert codes(body) == ["NOT_FOUND"]
    assert not any((body.get("data") or {}).values())
    assert "Anything to add" not in json.dumps(body)
    assert "Deadlifts" not in json.dumps(body)


@pytest.mark.parametrize("entry", [*READS, "coachingSessions", "coachUsage"])
async def test_given_no_token_when_any_coaching_query_is_made_then_it_is_unauthenticated(coached, entry):
    if entry in READS:
        query, kind = READS[entry]
        await unauthenticated(coached.world.ada.client, query, {"id": target(coached, kind)})
    else:
        await unauthenticated(coached.world.ada.client, SESSIONS if entry == "coachingSessions" else USAGE)


@pytest.mark.parametrize("who", ["ada", "bob", "admin"])
async def test_given_sessions_of_several_users_when_one_lists_them_then_they_see_only_their_own(coached, who):
    listed = await coached.world.session(who).data(SESSIONS, {"first": 100})
    ids = {edge["node"]["id"] for edge in listed["coachingSessions"]["edges"]}
    assert (coached.session_id in ids) == (who == "ada")


def mutations(coached: Coached) -> dict[str, tuple[str, dict[str, Any]]]:
    session = {"sessionId": coached.session_id}
    suggestion = {**session, "suggestionId": coached.suggestion_id}
    return {
        "sendCoachMessage": (SEND, {**session, "text": "Tell me Ada's plan"}),
        "acceptSuggestion": (ACCEPT, suggestion),
        "rejectSuggestion": (REJECT, suggestion),
        "endCoachingSession": (END, session),
    }


MUTATION_NAMES = ("sendCoachMessage", "acceptSuggestion", "rejectSuggestion", "endCoachingSession")


@pytest.mark.parametrize("who", ["bob", "admin"])
@pytest.mark.parametrize("name", MUTATION_NAMES)
async def test_given_adas_session_when_someone_else_drives_it_then_it_answers_as_a_missing_one(
    coached, who, name
):
    query, fields = mutations(coached)[name]
    before = await coached.ada_stream()
    session = coached.world.session(who)
    payload = (await session.data(query, {"input": fields}))[name]
    missing = (await session.data(query, {"input": {**fields, "sessionId": MISSING_SESSION}}))[name]
    assert [error["code"] for error in payload["userErrors"]] == ["COACHING_SESSION_NOT_FOUND"]
    assert [error["code"] for error in missing["userErrors"]] == ["COACHING_SESSION_NOT_FOUND"]
    assert {key: value for key, value in payload.items() if key != "userErrors"} == {
        key: value for key, value in missing.items() if key != "userErrors"
    }
    assert "Anything to add" not in json.dumps(payload)
    assert await coached.ada_stream() == before


@pytest.mark.parametrize("name", [*MUTATION_NAMES, "startCoachingSession"])
async def test_given_no_token_when_a_coaching_mutation_is_sent_then_it_is_unauthenticated(coached, name):
    query, fields = mutations(coached).get(name, (START, {}))
    before = await coached.ada_stream()
    await unauthenticated(coached.world.ada.client, query, {"input": fields})
    assert await coached.ada_stream() == before


@pytest.mark.parametrize("who", ["bob", "admin"])
async def test_given_adas_plan_when_someone_else_starts_a_session_about_it_then_it_is_not_found(coached, who):
    payload = (await coached.world.session(who).data(START, {"input": {"planId": coached.world.plan_id}}))[
        "startCoachingSession"
    ]
    assert payload["session"] is None
    assert [error["code"] for error in payload["userErrors"]] == ["NOT_FOUND"]


async def test_given_a_replayed_start_command_id_of_adas_when_bob_sends_it_then_it_is_not_found(coached):
    command_id = str(uuid.uuid4())
    await start_session(coached.world.ada, commandId=command_id)
    payload = (await coached.world.bob.data(START, {"input": {"commandId": command_id}}))[
        "startCoachingSession"
    ]
    assert payload["session"] is None
    assert [error["code"] for error in payload["userErrors"]] == ["COACHING_SESSION_NOT_FOUND"]


@pytest.mark.parametrize("who", ["ada", "admin"])
async def test_given_adas_session_when_she_or_an_admin_watches_its_replies_then_they_get_them(coached, who):
    coach = CoachDriver(coached.world.served.api)
    attempt = Claimed(raw_id(coached.session_id), uuid.uuid4(), raw_id(coached.message_id), 1)
    after = await chat_cursor(coached.world.session(who), coached.session_id)
    async with graphql_ws(
        coached.world.served.ws_url, {"authorization": f"Bearer {_token(coached, who)}"}
    ) as live:
        watching = await live.subscribe(CHAT, {"sessionId": coached.session_id, "after": after})
        await coach.publisher(attempt).started("offline")
        event = (await live.next_data(watching))["coachChat"]
        assert (event["kind"], event["messageId"]) == ("STARTED", coached.message_id)


async def test_given_adas_session_when_bob_watches_its_replies_then_he_is_refused_with_not_found(coached):
    async with graphql_ws(
        coached.world.served.ws_url, {"authorization": f"Bearer {_token(coached, 'bob')}"}
    ) as live:
        watching = await live.subscribe(CHAT, {"sessionId": coached.session_id})
        refusal = await live.receive()
        assert (refusal["id"], refusal["type"], refusal["payload"]["data"]) == (watching, "next", None)
        assert codes(refusal["payload"]) == ["NOT_FOUND"]


def _token(coached: Coached, who: str) -> str:
    return coached.world.session(who).access_token
