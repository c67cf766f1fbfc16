"""GDPR erasure end to end, over a real socket with the coach worker, PostgreSQL and Redis: a user with a
profile, injuries and a coach chat is forgotten by an admin (`forgetUser`); then nothing of theirs is
left in plain anywhere we keep data (every table, the event log included, every Redis key of the
deployment, the logs), they cannot sign in, and the log still replays, rebuilds and verifies."""

from __future__ import annotations

import logging
import uuid
from typing import Any

import psycopg
import pytest
import redis.asyncio as redis
from psycopg import sql

from adapters.memory.seals import InMemorySeals
from application.integrity.audit import IntegrityAudit
from domain.audit.decoding import decode_event
from domain.users.streams import user_stream
from domain.users.values import Role
from fitcoach.wiring.core import read_model_verification
from projections.rebuild import rebuild
from projections.registry import PROJECTIONS
from projections.status import projection_status
from tests.api.coaching.coach_support import send, start_session, wait_for_messages
from tests.api.graphql_client import REGISTER, Session, data, execute
from tests.api.live_support import codes, eventually, raw_id
from tests.api.server import REDIS_URL, RunningApi, fresh_database, running_api, test_settings

PASSWORD = "correct horse battery staple"
FORGET = """mutation($input: ForgetUserInput!) { forgetUser(input: $input) {
  forgotten { userId keyDeleted alreadyForgotten sessionsRevoked coachingSessionsEnded chatFeedsDeleted }
  userErrors { field code message }
} }"""
UPDATE_PROFILE = """mutation($input: UpdateProfileInput!) {
  updateProfile(input: $input) { user { id } userErrors { field code message } }
}"""
LOGIN = """mutation($input: LoginInput!) {
  login(input: $input) { user { id } tokens { accessToken } userErrors { code } }
}"""
ME = "{ me { id email displayName } }"


async def registered(served: RunningApi, email: str, name: str) -> Session:
    client = served.client()
    variables = {"input": {"email": email, "password": PASSWORD, "displayName": name}}
    payload = (await data(client, REGISTER, variables))["register"]
    assert payload["userErrors"] == []
    tokens = payload["tokens"]
    return Session(client, payload["user"]["id"], tokens["accessToken"], tokens["refreshToken"])


async def caught_up(served: RunningApi) -> None:
    store, url = served.api.core.store, served.api.database_url
    head = await store.current_position()
    await eventually(
        lambda: projection_status(store, url), lambda found: all(p.checkpoint >= head for p in found)
    )


async def every_table_row(url: str) -> list[str]:
    """Every row of every table of the database, as text: the event log, snapshots, keys, read models."""
    async with await psycopg.AsyncConnection.connect(url) as conn:
        tables = await (
            await conn.execute(
                "SELECT table_schema, table_name FROM information_schema.tables"
                " WHERE table_type = 'BASE TABLE'"
                " AND table_schema NOT IN ('pg_catalog', 'information_schema')"
            )
        ).fetchall()
        rows = []
        for schema, table in tables:
            query = sql.SQL("SELECT t::text FROM {} t").format(sql.Identifier(schema, table))
            rows += [f"{schema}.{table}: {row[0]}" for row in await (await conn.execute(query)).fetchall()]
    return rows


async def every_redis_value(prefix: str) -> list[str]:
    client = redis.Redis.from_url(REDIS_URL, decode_responses=True)
    found = []
    try:
        async for key in client.scan_iter(match=f"{prefix}*"):
            kind = await client.type(key)
            value: Any = None
            if kind == "string":
                value = await client.get(key)
            elif kind == "hash":
                value = await client.hgetall(key)
            elif kind == "stream":
                value = await client.xrange(key)
            elif kind == "set":
                value = await client.smembers(key)
            elif kind == "zset":
                value = await client.zrange(key, 0, -1, withscores=True)
            elif kind == "list":
                value = await client.lrange(key, 0, -1)
            found.append(f"{key} {value}")
    finally:
        await client.aclose()
    return found


@pytest.fixture
async def served() -> Any:
    async with fresh_database("fitcoach_forget") as url:
        settings = test_settings(url, coach_worker_in_process=True)
        async with running_api(settings) as running:
            yield running


async def test_a_forgotten_user_leaves_no_plain_personal_data_and_the_log_still_holds(
    served: RunningApi, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    mark = uuid.uuid4().hex[:12]
    email, name = f"erase.{mark}@example.com", f"Zeb {mark}"
    injury, message = f"torn ligament {mark}", f"My knee {mark} hurts when I squat, what should I do?"
    user = await registered(served, email, name)
    admin = await registered(served, f"admin.{uuid.uuid4().hex[:8]}@example.com", "Admin")
    await served.api.accounts.set_role(raw_id(admin.user_id), Role.ADMIN)
    profile = {"injuries": [injury], "goals": [f"run {mark}"], "heightCm": 181.5, "gender": "male"}
    assert (await user.data(UPDATE_PROFILE, {"input": profile}))["updateProfile"]["userErrors"] == []
    session = await start_session(user)
    await send(user, session["id"], message)
    chat = await wait_for_messages(user, session["id"], 2, last_status="COMPLETE")
    reply = chat[-1]["text"]
    assert reply
    await caught_up(served)
    personal = [email, name, injury, message, reply, f"run {mark}", mark]
    assert any(mark in row for row in await every_table_row(served.api.database_url))  # the check can fail

    payload = (await admin.data(FORGET, {"input": {"userId": user.user_id}}))["forgetUser"]
    assert payload["userErrors"] == []
    assert payload["forgotten"]["keyDeleted"] is True
    assert payload["forgotten"]["chatFeedsDeleted"] == 1
    assert payload["forgotten"]["coachingSessionsEnded"] == 1
    await caught_up(served)

    # Nothing plain is left: the tables (the event log included), Redis, the logs.
    leaks = [row for row in await every_table_row(served.api.database_url) if any(p in row for p in personal)]
    assert leaks == []
    redis_values = await every_redis_value(served.api.settings.redis_key_prefix)
    assert redis_values, "the deployment's Redis keys were found"
    assert [value for value in redis_values if any(p in value for p in personal)] == []
    logged = [record.getMessage() for record in caplog.records]
    assert [line for line in logged if any(p in line for p in personal)] == []

    # They cannot sign in, and their session is over.
    login = await execute(user.client, LOGIN, {"input": {"email": email, "password": PASSWORD}})
    assert login["data"]["login"]["tokens"] is None
    assert [error["code"] for error in login["data"]["login"]["userErrors"]] == ["INVALID_CREDENTIALS"]
    assert codes(await user.execute(ME)) == ["UNAUTHENTICATED"]

    # Their email is free for someone new at once.
    newcomer = await registered(served, email, "Newcomer")
    assert newcomer.user_id != user.user_id

    # Forgetting again finishes nothing more and deletes nothing more.
    again = (await admin.data(FORGET, {"input": {"userId": user.user_id}}))["forgetUser"]
    assert again["forgotten"]["keyDeleted"] is False
    assert again["forgotten"]["alreadyForgotten"] is True

    # The log still replays whole, rebuilds, verifies, and its chain holds.
    store, url = served.api.core.store, served.api.database_url
    events = await store.read_all(limit=100_000)
    decoded = [decode_event(e.stream, e.type, e.schema_version, e.data) for e in events]
    assert len(decoded) == len(events) > 0
    for projection in PROJECTIONS:
        await rebuild(store, url, projection)
    report = await read_model_verification(store, url).verify()
    assert not report.drifted, report
    integrity = await IntegrityAudit(store.stored, InMemorySeals()).log()
    assert integrity.broken == ()
    assert user_stream(raw_id(user.user_id)) in {stream.stream for stream in integrity.streams}
    newcomer_id = str(raw_id(newcomer.user_id))  # the same email, now theirs, in their own row
    rows = [row for row in await every_table_row(url) if newcomer_id not in row]
    assert [row for row in rows if any(p in row for p in personal)] == []
