"""The `coaching` projection's read models (`ai.*`) from conversations written through the real event
store: a whole conversation gives the expected rows in any batching, applying events again changes
nothing, a rebuild (API and CLI) gives the same rows, usage sums per UTC day, and the read model pages."""

from __future__ import annotations

import itertools
import random
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import psycopg
import pytest

from adapters.postgres.coaching_read_model import PostgresCoachingReadModel
from adapters.postgres.store import PostgresEventStore
from application.cache import CacheKey
from application.coaching.views import CoachingMessageView
from application.eventstore import EventMetadata, NewEvent, RecordedEvent, StreamState
from application.plan_reads import InvalidPageSize, ReadModelUnavailable
from application.plan_views import ExerciseView
from application.response_cache import entry_version
from domain.coaching import coaching_stream, encode
from domain.coaching.events import CoachingSessionStarted, CoachReplyCompleted
from domain.coaching.reply_ids import reply_id_for
from domain.coaching.values import Personality
from projections.batch import apply_batch
from projections.coaching.projection import CoachingProjection
from projections.projection import EventFailed
from projections.rebuild import rebuild
from projections.registry import projection_named
from projections.runner import ProjectionRunner
from tests.projections.coaching.conversations import (
    DROPPED,
    DUMBBELL_ROW,
    KNEE,
    PLAN,
    USER_1,
    USER_2,
    Ids,
    minutes,
    usage,
    write_conversations,
)
from tests.projections.conftest import Runners, projector_database
from tests.projections.projector_support import checkpoint, wait_for
from tests.projections.test_status_and_rebuild import fitcoach

COACHING = projection_named("coaching")
TABLES = {
    "coaching_sessions": "id",
    "coaching_messages": "id",
    "coach_usage": "user_id, day",
    "safety_triggers": "id",
}


@dataclass
class Logged:
    url: str
    store: PostgresEventStore
    events: list[RecordedEvent]
    ids: Ids


@pytest.fixture(scope="module")
async def logged() -> AsyncIterator[Logged]:
    async with projector_database() as url:
        store = await PostgresEventStore.connect(url, max_size=4)
        try:
            ids = await write_conversations(store)
            yield Logged(url, store, await store.read_all(limit=100_000), ids)
        finally:
            await store.close()


@pytest.fixture
async def read_model(logged: Logged) -> AsyncIterator[PostgresCoachingReadModel]:
    reads = await PostgresCoachingReadModel.connect(logged.url, max_size=2)
    try:
        yield reads
    finally:
        await reads.close()


async def reset(url: str) -> None:
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        await conn.execute(f"TRUNCATE {', '.join(f'ai.{table}' for table in TABLES)}")
        await conn.execute("UPDATE projections.checkpoints SET position = 0 WHERE name = 'coaching'")


async def project_in_batches(url: str, events: list[RecordedEvent], cuts: list[int]) -> None:
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        for start, end in itertools.pairwise(cuts):
            await apply_batch(conn, COACHING, events[start:end])


async def all_rows(url: str) -> dict[str, list[tuple[Any, ...]]]:
    async with await psycopg.AsyncConnection.connect(url) as conn:
        return {
            table: await (await conn.execute(f"SELECT * FROM ai.{table} ORDER BY {key}")).fetchall()
            for table, key in TABLES.items()
        }


async def project_all(logged: Logged) -> dict[str, list[tuple[Any, ...]]]:
    await reset(logged.url)
    await project_in_batches(logged.url, logged.events, [0, len(logged.events)])
    return await all_rows(logged.url)


def by_id(messages: tuple[CoachingMessageView, ...]) -> dict[Any, CoachingMessageView]:
    return {message.id: message for message in messages}


async def all_messages(
    read_model: PostgresCoachingReadModel, session: str, ids: Ids
) -> tuple[CoachingMessageView, ...]:
    page = await read_model.messages(ids.sessions[session], limit=50)
    assert page.next is None
    return page.messages


@pytest.mark.parametrize("batching", ["one batch", "one event at a time", "random cuts"])
async def test_a_whole_conversation_gives_the_expected_rows_in_any_batching(
    logged: Logged, read_model: PostgresCoachingReadModel, batching: str
) -> None:
    count = len(logged.events)
    cuts = {
        "one batch": [0, count],
        "one event at a time": list(range(count + 1)),
        "random cuts": [0, *sorted(random.Random(5).sample(range(1, count), 9)), count],
    }[batching]
    await reset(logged.url)
    await project_in_batches(logged.url, logged.events, cuts)
    ids = logged.ids

    session = await read_model.session(ids.sessions["A"])
    assert session is not None
    assert (session.user_id, session.personality, session.plan_id, session.status) == (
        USER_1, "calm", PLAN, "ended",
    )  # fmt: skip
    assert (session.message_count, session.started_at, session.ended_at) == (2, minutes(0), minutes(11))
    a_events = [e for e in logged.events if e.stream.endswith(str(ids.sessions["A"]))]
    assert (session.version, session.last_position) == (14, a_events[-1].position) == (
        len(a_events), a_events[-1].position,
    )  # fmt: skip

    page = await read_model.messages(ids.sessions["A"], limit=10)
    assert [m.id for m in page.messages] == [ids.m1, ids.r1, ids.m2, ids.r2]  # each reply after its message
    assert page.next is None
    messages = by_id(page.messages)
    m1, m2, r1, r2 = (messages[i] for i in (ids.m1, ids.m2, ids.r1, ids.r2))
    assert (m1.role, m1.text, m1.status, m1.completed_at) == (
        "user",
        "build me a leg day",
        "answered",
        minutes(6),
    )
    assert (m2.role, m2.status, m2.completed_at) == ("user", "failed", minutes(8))
    # One row per reply: the claim that took m1 over after the lease ran out bumped its attempt.
    assert (r1.role, r1.status, r1.attempt, r1.in_reply_to, r1.text) == (
        "coach", "completed", 2, ids.m1, "Here is a knee-friendly leg day.",
    )  # fmt: skip
    assert (r1.provider, r1.model) == ("offline", "offline-model"), "the reply names who answered"
    assert (r1.input_tokens, r1.output_tokens, r1.latency_ms, r1.confidence) == (1200, 300, 120, 0.72)
    assert (r1.safety_action, r1.safety_notes) == ("constrain", ("post-surgery knee", "dropped Jump Squat"))
    assert (r1.safety, m1.safety) == ((KNEE, DROPPED), ()), "a reply's triggers, in order"
    assert (r1.created_at, r1.completed_at, r1.failure_cause) == (minutes(1), minutes(6), None)
    assert (r1.position, m1.position) == (r1.position, r1.position)
    add, swap = r1.suggestions
    assert (add.suggestion_id, add.kind, add.status, add.plan_id, add.plan_version, add.decided_at) == (
        ids.add, "add_exercise", "accepted", PLAN, 4, minutes(9),
    )  # fmt: skip
    assert (swap.suggestion_id, swap.status, swap.replaces, swap.rejection_reason, swap.decided_at) == (
        ids.swap, "rejected", "Barbell_Row", "I like barbell rows", minutes(10),
    )  # fmt: skip
    assert swap.exercise == ExerciseView("Dumbbell_Row", "Dumbbell Row", 3, 12, 22.5, 60, None, "", ())
    assert swap.exercise.name == DUMBBELL_ROW.name
    assert (r2.status, r2.failure_cause, r2.provider, r2.attempt, r2.in_reply_to, r2.suggestions) == (
        "failed", "provider_error", "offline", 1, ids.m2, (),
    )  # fmt: skip
    assert [m.order for m in page.messages] == sorted(m.order for m in page.messages)
    assert {m.user_id for m in page.messages} == {USER_1}

    [d_message, d_reply] = (await read_model.messages(ids.sessions["D"], limit=10)).messages
    assert (d_message.status, d_reply.status, d_reply.text, d_reply.user_id, d_reply.attempt) == (
        "waiting", "generating", "", USER_2, 1,
    )  # fmt: skip

    # E, recorded before replies had ids at once: a row per claim, the one taken over failed.
    e1, e2, e3 = ids.e_messages
    taken_over, completed, claimed = ids.e_claims
    e = [
        (m.id, m.role, m.status, m.failure_cause, m.attempt) for m in await all_messages(read_model, "E", ids)
    ]
    assert e == [
        (e1, "user", "answered", None, None),
        (taken_over, "coach", "failed", "lease_expired", 1),
        (completed, "coach", "completed", None, 2),
        (e2, "user", "failed", None, None),
        (claimed, "coach", "failed", "session_ended", 1),
        (e3, "user", "failed", None, None),
        (reply_id_for(e3), "coach", "failed", "session_ended", None),  # never claimed: its row at the end
    ]

    # F ended while one reply was being generated and another waited: both failed, no row added.
    f1, f2 = ids.f_messages[:2]
    f = [(m.id, m.status, m.failure_cause) for m in await all_messages(read_model, "F", ids)]
    assert f == [
        (f1, "failed", None),
        (reply_id_for(f1), "failed", "session_ended"),
        (f2, "failed", None),
        (reply_id_for(f2), "failed", "session_ended"),
    ]
    f_session = await read_model.session(ids.sessions["F"])
    assert f_session is not None
    assert (f_session.status, f_session.ended_at) == ("ended", minutes(24))

    async with await psycopg.AsyncConnection.connect(logged.url) as conn:
        cursor = await conn.execute(
            "SELECT session_id, user_id, reply_id, category, action, direction, note, at"
            " FROM ai.safety_triggers ORDER BY position"
        )
        triggers = await cursor.fetchall()
    assert triggers == [
        (ids.sessions["A"], USER_1, ids.r1, "medical_restriction", "constrain", "input",
         "post-surgery knee", minutes(6)),
        (ids.sessions["A"], USER_1, ids.r1, "contraindicated_exercise", "drop_suggestion", "output",
         "dropped Jump Squat", minutes(6)),
    ]  # fmt: skip
    assert (await checkpoint(logged.url, "coaching"))[0] == logged.events[-1].position


async def test_every_batching_gives_the_same_rows(logged: Logged) -> None:
    whole = await project_all(logged)
    await reset(logged.url)
    await project_in_batches(logged.url, logged.events, list(range(len(logged.events) + 1)))
    assert await all_rows(logged.url) == whole
    assert [len(rows) for rows in whole.values()] == [6, 21, 2, 2]


async def test_applying_events_again_changes_nothing(logged: Logged) -> None:
    projected = await project_all(logged)

    async with await psycopg.AsyncConnection.connect(logged.url, autocommit=True) as conn:
        again = await apply_batch(conn, COACHING, logged.events)  # the checkpoint drops them all
        async with conn.transaction():  # and the projection itself ignores what its rows already hold
            await COACHING.apply(conn, COACHING.schema, logged.events)
            await COACHING.apply(conn, COACHING.schema, logged.events[len(logged.events) // 2 :])
            for start in range(0, len(logged.events), 7):
                await COACHING.apply(conn, COACHING.schema, logged.events[start : start + 7])

    assert again.applied == 0
    assert await all_rows(logged.url) == projected

    # A batch reaching back before what the rows hold: only its newer events count (usage once).
    count = len(logged.events)
    for behind in (count // 4, count // 2 - 1):
        await reset(logged.url)
        await project_in_batches(logged.url, logged.events, [0, count // 2])
        async with await psycopg.AsyncConnection.connect(logged.url) as conn, conn.transaction():
            await COACHING.apply(conn, COACHING.schema, logged.events[behind:])
        assert await all_rows(logged.url) == projected


async def test_a_rebuild_gives_the_same_rows(logged: Logged) -> None:
    await reset(logged.url)
    runners = Runners()
    runner = ProjectionRunner(logged.store, logged.url, COACHING, batch_size=3)
    runners.start(runner)
    try:
        await wait_for(logged.url, logged.events[-1].position, name="coaching")
    finally:
        await runners.stop(runner)
    live = await all_rows(logged.url)
    assert live == await project_all(logged)

    report = await rebuild(logged.store, logged.url, COACHING, page_size=5)
    assert (report.projection, report.position) == ("coaching", logged.events[-1].position)
    assert await all_rows(logged.url) == live

    # A bound of 2 rows in memory: sessions are flushed, forgotten and loaded back again and again.
    await rebuild(logged.store, logged.url, CoachingProjection(replay_max_rows=2), page_size=3)
    assert await all_rows(logged.url) == live
    async with await psycopg.AsyncConnection.connect(logged.url) as conn:
        cursor = await conn.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'ai%' ORDER BY 1")
        assert [row[0] for row in await cursor.fetchall()] == ["ai"]
        cursor = await conn.execute("SELECT name FROM projections.checkpoints WHERE name LIKE 'coaching%'")
        assert [row[0] for row in await cursor.fetchall()] == ["coaching"]


async def test_the_cli_lists_and_rebuilds_the_projection(logged: Logged) -> None:
    live = await project_all(logged)
    status = fitcoach(logged.url, "projections", "status")
    assert status.returncode == 0, status.stderr
    [row] = [row for row in status.stdout.splitlines() if row.startswith("coaching ")]
    assert row.split()[:3] == ["coaching", str(logged.events[-1].position), "0"]

    await reset(logged.url)
    rebuilt = fitcoach(logged.url, "projections", "rebuild", "coaching")
    assert rebuilt.returncode == 0, rebuilt.stderr
    assert rebuilt.stdout.startswith(f"rebuilt coaching: {len(logged.events):,} events")
    assert await all_rows(logged.url) == live


async def test_usage_sums_tokens_and_replies_per_user_and_utc_day(
    logged: Logged, read_model: PostgresCoachingReadModel
) -> None:
    await project_all(logged)
    first = await read_model.usage(USER_1, date(2026, 12, 3))
    assert (first.input_tokens, first.output_tokens, first.replies) == (1200 + 500 + 40, 300 + 100 + 20, 3)
    # Session C's reply came at 23:00 in UTC-5: 4 December in UTC.
    late = await read_model.usage(USER_1, date(2026, 12, 4))
    assert (late.input_tokens, late.output_tokens, late.replies) == (10, 20, 1)
    nothing = await read_model.usage(USER_2, date(2026, 12, 3))  # D's reply is still being generated
    assert (nothing.user_id, nothing.day, nothing.input_tokens, nothing.output_tokens, nothing.replies) == (
        USER_2, date(2026, 12, 3), 0, 0, 0,
    )  # fmt: skip


async def test_the_read_model_pages_sessions_newest_first_and_messages_in_order(
    logged: Logged, read_model: PostgresCoachingReadModel
) -> None:
    await project_all(logged)
    ids = logged.ids

    first = await read_model.sessions_of(USER_1, limit=2)
    assert [s.id for s in first.sessions] == [ids.sessions["C"], ids.sessions["B"]]
    assert first.next is not None
    second = await read_model.sessions_of(USER_1, limit=2, after=first.next)
    assert ([s.id for s in second.sessions], second.next) == ([ids.sessions["A"], ids.sessions["E"]], None)
    assert [s.id for s in (await read_model.sessions_of(USER_2, limit=5)).sessions] == [
        ids.sessions["F"],
        ids.sessions["D"],
    ]
    assert await read_model.session(ids.m1) is None
    reply = await read_model.message(ids.r1)
    assert reply is not None
    assert (reply.id, reply.session_id, reply.status) == (ids.r1, ids.sessions["A"], "completed")
    assert await read_model.message(ids.sessions["A"]) is None

    for limit, expected in (
        (1, [[ids.m1], [ids.r1], [ids.m2], [ids.r2]]),  # a page may end between a message and its reply
        (2, [[ids.m1, ids.r1], [ids.m2, ids.r2]]),
        (3, [[ids.m1, ids.r1, ids.m2], [ids.r2]]),
    ):
        pages, after = [], None
        while True:
            page = await read_model.messages(ids.sessions["A"], limit=limit, after=after)
            pages.append([m.id for m in page.messages])
            if page.next is None:
                break
            after = page.next
        assert pages == expected
    assert (await read_model.messages(ids.sessions["A"], limit=2, after=2**40)).messages == ()

    for limit in (0, 101):
        with pytest.raises(InvalidPageSize):
            await read_model.messages(ids.sessions["A"], limit=limit)
        with pytest.raises(InvalidPageSize):
            await read_model.sessions_of(USER_1, limit=limit)


async def test_an_event_the_projection_cannot_apply_stops_it_at_that_event(projection_url, projection_store):
    """An unknown event type, and a completion whose claim has no row (appended past the decider), are
    refused rather than skipped or turned into invented rows; the checkpoint stays before them."""
    metadata = EventMetadata("ai_coach", uuid.uuid4(), uuid.uuid4())
    unknown = NewEvent(uuid.uuid4(), "CoachTeleported", 1, {}, metadata)
    await projection_store.append(coaching_stream(uuid.uuid4()), [unknown], StreamState.NO_STREAM)
    session_id, reply_id = uuid.uuid4(), uuid.uuid4()
    started = CoachingSessionStarted(
        session_id=session_id, user_id=USER_1, personality=Personality.CALM, plan_id=None, at=minutes(0)
    )
    orphan = CoachReplyCompleted(
        session_id=session_id,
        reply_id=reply_id,
        message_id=uuid.uuid4(),
        text="A reply nobody claimed.",
        suggestions=(),
        safety_action=None,
        safety_notes=(),
        confidence=0.5,
        usage=usage(10, 10),
        at=minutes(1),
    )
    written = [NewEvent(uuid.uuid4(), *encode(event), metadata) for event in (started, orphan)]
    await projection_store.append(coaching_stream(session_id), written, StreamState.NO_STREAM)
    events = await projection_store.read_all(limit=10)

    async with await psycopg.AsyncConnection.connect(projection_url, autocommit=True) as conn:
        with pytest.raises(EventFailed) as failed:
            await apply_batch(conn, COACHING, events)
        assert failed.value.event.event_id == unknown.event_id
        with pytest.raises(EventFailed) as failed:
            await apply_batch(conn, COACHING, events[1:])
        assert failed.value.event.event_id == written[1].event_id
        await apply_batch(conn, COACHING, events[1:2])  # the session's start alone is fine
    assert (await checkpoint(projection_url, "coaching"))[0] == events[1].position
    assert [len(rows) for rows in (await all_rows(projection_url)).values()] == [1, 0, 0, 0]


async def test_reads_before_the_migration_say_the_read_model_is_unavailable(projection_url):
    async with await psycopg.AsyncConnection.connect(projection_url, autocommit=True) as conn:
        await conn.execute("DROP SCHEMA ai CASCADE")
    reads = await PostgresCoachingReadModel.connect(projection_url, max_size=1)
    try:
        with pytest.raises(ReadModelUnavailable, match="run the projections migration"):
            await reads.sessions_of(USER_1, limit=10)
        with pytest.raises(ReadModelUnavailable, match="run the projections migration"):
            await reads.usage(USER_1, date(2026, 12, 3))
    finally:
        await reads.close()


async def test_a_batch_invalidates_its_session_owners_cached_responses_from_their_last_change(
    logged: Logged,
) -> None:
    await reset(logged.url)
    ids = logged.ids
    last_of_user_2 = max(
        e.position for e in logged.events if e.stream in {coaching_stream(ids.sessions[s]) for s in "DF"}
    )
    async with await psycopg.AsyncConnection.connect(logged.url) as conn, conn.transaction():
        invalidations = await COACHING.apply(conn, COACHING.schema, logged.events)
        again = await COACHING.apply(conn, COACHING.schema, logged.events)
    assert {i.key: i.version for i in invalidations}[CacheKey.responses(USER_2)] == entry_version(
        last_of_user_2
    )
    assert {i.key for i in invalidations} == {CacheKey.responses(USER_1), CacheKey.responses(USER_2)}
    assert again == []  # nothing written, nothing stale
