"""A `UserForgotten` (from the user's own stream) erases that user's texts from the coaching read models:
messages, the coach's replies and notes, rejection reasons and safety-trigger notes; sessions, statuses,
suggestions and usage stay, and another user's rows are untouched. Live batches and the rebuild path give
the same rows, whether the user's events were sealed or (as here) written before sealing existed."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import psycopg
import pytest

from adapters.postgres.store import PostgresEventStore
from application.eventstore import EventMetadata, RecordedEvent
from domain.users.streams import user_stream
from projections.batch import apply_batch
from projections.registry import projection_named
from tests.projections.coaching.conversations import USER_1, USER_2, minutes, write_conversations
from tests.projections.conftest import projector_database

COACHING = projection_named("coaching")
TABLES = ("coaching_sessions", "coaching_messages", "coach_usage", "safety_triggers")
TEXTS = """
SELECT s.user_id, m.text, m.safety_notes::text, m.suggestions::text
FROM ai.coaching_messages m JOIN ai.coaching_sessions s ON s.id = m.session_id ORDER BY m.id
"""
NOTES = "SELECT user_id, note FROM ai.safety_triggers ORDER BY id"


@pytest.fixture(scope="module")
async def log() -> AsyncIterator[tuple[str, list[RecordedEvent]]]:
    async with projector_database() as url:
        store = await PostgresEventStore.connect(url, max_size=4)
        try:
            await write_conversations(store)
            yield url, await store.read_all(limit=100_000)
        finally:
            await store.close()


def forgotten(user_id: uuid.UUID, position: int) -> RecordedEvent:
    command = uuid.uuid4()
    return RecordedEvent(
        uuid.uuid4(),
        "UserForgotten",
        1,
        {"user_id": str(user_id), "at": (minutes(90) + timedelta(seconds=1)).isoformat()},
        EventMetadata("system", command, command),
        user_stream(user_id),
        9,
        position,
        minutes(90),
    )


async def rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    async with await psycopg.AsyncConnection.connect(url) as conn:
        return {
            table: await (await conn.execute(f"SELECT * FROM ai.{table} ORDER BY 1, 2")).fetchall()
            for table in TABLES
        }


async def reset(conn: psycopg.AsyncConnection[Any]) -> None:
    await conn.execute(f"TRUNCATE {', '.join(f'ai.{table}' for table in TABLES)}")
    await conn.execute("UPDATE projections.checkpoints SET position = 0 WHERE name = 'coaching'")


async def test_a_forgotten_user_s_texts_are_erased_live_and_on_rebuild_alike(
    log: tuple[str, list[RecordedEvent]],
) -> None:
    url, events = log
    erasure = forgotten(USER_1, events[-1].position + 1)
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        await reset(conn)
        await apply_batch(conn, COACHING, events)
        before = await rows(url)
        texts = await (await conn.execute(TEXTS)).fetchall()
        assert any(user == USER_1 and "leg day" in text for user, text, _, _ in texts)
        assert any(
            user == USER_1 and "I like barbell rows" in suggestions for user, _, _, suggestions in texts
        )

        await apply_batch(conn, COACHING, [erasure])
        live = await rows(url)
        texts = await (await conn.execute(TEXTS)).fetchall()
        notes = await (await conn.execute(NOTES)).fetchall()

        await reset(conn)
        replay = COACHING.replay("ai")
        await replay.feed(conn, [*events, erasure])
        await replay.flush(conn)
        rebuilt = await rows(url)

    assert rebuilt == live
    mine = [(text, safety, suggestions) for user, text, safety, suggestions in texts if user == USER_1]
    assert mine
    assert all(text == "" and safety == "[]" for text, safety, _ in mine)
    assert all("I like barbell rows" not in suggestions for _, _, suggestions in mine)
    assert any('"rejection_reason": ""' in suggestions for _, _, suggestions in mine)
    assert all(note == "" for user, note in notes if user == USER_1)
    others = [text for user, text, _, _ in texts if user == USER_2]
    assert "how sore is too sore?" in others
    # Sessions, usage and the rows' number stay.
    assert live["coaching_sessions"] == before["coaching_sessions"]
    assert live["coach_usage"] == before["coach_usage"]
    assert len(live["coaching_messages"]) == len(before["coaching_messages"])
