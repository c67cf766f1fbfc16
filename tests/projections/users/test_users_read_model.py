"""The `auth.users` read model equals the domain's fold of each user stream, however the log is batched;
applying events again changes nothing; a blue/green rebuild gives the same rows; no password hash is
ever stored; and an email address may change hands within one batch."""

from __future__ import annotations

import itertools
import random
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from typing import Any
from uuid import UUID

import orjson
import psycopg
import pytest

from adapters.postgres.store import PostgresEventStore
from application.eventstore import RecordedEvent
from domain.users import User
from projections.batch import apply_batch
from projections.rebuild import rebuild
from projections.registry import projection_named
from projections.runner import ProjectionRunner
from projections.users.fold import UserTrack, track_from_row, user_row
from projections.users.projection import UsersProjection
from projections.users.sql import COLUMNS, load, write
from tests.domain.users import USER_ID, registered, user_after
from tests.projections.conftest import Runners, projector_database
from tests.projections.projector_support import checkpoint, wait_for, write_workload
from tests.projections.users.user_workload import actual_users, expected_users, write_user_workload

USERS = projection_named("users")


@dataclass
class Logged:
    url: str
    store: PostgresEventStore
    events: list[RecordedEvent]
    hashes: list[str]


@pytest.fixture(scope="module")
async def logged() -> AsyncIterator[Logged]:
    """One log for the module: 40 users' commands interleaved with claims and two workout plans."""
    async with projector_database() as url:
        store = await PostgresEventStore.connect(url, max_size=4)
        try:
            await write_workload(store, plans=2, commands=20, seed=7)
            hashes = await write_user_workload(store, users=40, commands=400, seed=11)
            await write_workload(store, plans=2, commands=20, seed=8)
            yield Logged(url, store, await store.read_all(limit=100_000), hashes)
        finally:
            await store.close()


async def reset(url: str) -> None:
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        await conn.execute("TRUNCATE auth.users")
        await conn.execute("UPDATE projections.checkpoints SET position = 0 WHERE name = 'users'")


async def project_in_batches(url: str, events: list[RecordedEvent], cuts: list[int]) -> None:
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        for start, end in itertools.pairwise(cuts):
            await apply_batch(conn, USERS, events[start:end])


@pytest.mark.parametrize("batching", ["one batch", "one event at a time", "random cuts"])
async def test_users_project_to_the_domain_fold_in_any_batching(logged: Logged, batching: str) -> None:
    count = len(logged.events)
    cuts = {
        "one batch": [0, count],
        "one event at a time": list(range(count + 1)),
        "random cuts": [0, *sorted(random.Random(5).sample(range(1, count), 25)), count],
    }[batching]
    await reset(logged.url)

    await project_in_batches(logged.url, logged.events, cuts)

    expected = await expected_users(logged.store)
    assert len(expected) > 20, "the workload registers most of its users"
    assert await actual_users(logged.url) == expected
    assert (await checkpoint(logged.url, "users"))[0] == logged.events[-1].position


async def test_applying_events_again_changes_nothing(logged: Logged) -> None:
    await reset(logged.url)
    await project_in_batches(logged.url, logged.events, [0, len(logged.events)])
    projected = await actual_users(logged.url)

    async with await psycopg.AsyncConnection.connect(logged.url, autocommit=True) as conn:
        again = await apply_batch(conn, USERS, logged.events)  # the checkpoint drops them all
        async with conn.transaction():  # and the projection itself ignores what its rows already hold
            await USERS.apply(conn, USERS.schema, logged.events)
            await USERS.apply(conn, USERS.schema, logged.events[len(logged.events) // 2 :])

    assert again.applied == 0
    assert await actual_users(logged.url) == projected


async def test_a_rebuild_equals_the_live_projection(logged: Logged) -> None:
    await reset(logged.url)
    runners = Runners()
    runner = ProjectionRunner(logged.store, logged.url, USERS, batch_size=17)
    runners.start(runner)
    try:
        await wait_for(logged.url, logged.events[-1].position, name="users")
    finally:
        await runners.stop(runner)
    live = await actual_users(logged.url)

    report = await rebuild(logged.store, logged.url, USERS, page_size=50)
    assert (report.projection, report.position) == ("users", logged.events[-1].position)
    assert await actual_users(logged.url) == live

    # A bound of 2 users in memory: states are flushed, forgotten and loaded back again and again.
    await rebuild(logged.store, logged.url, UsersProjection(replay_max_users=2), page_size=7)
    assert await actual_users(logged.url) == live
    async with await psycopg.AsyncConnection.connect(logged.url) as conn:
        cursor = await conn.execute("SELECT nspname FROM pg_namespace WHERE nspname LIKE 'auth%' ORDER BY 1")
        assert [row[0] for row in await cursor.fetchall()] == ["auth"]
        cursor = await conn.execute("SELECT name FROM projections.checkpoints WHERE name LIKE 'users%'")
        assert [row[0] for row in await cursor.fetchall()] == ["users"]


async def test_no_password_hash_reaches_the_read_model(logged: Logged) -> None:
    await reset(logged.url)
    await project_in_batches(logged.url, logged.events, [0, len(logged.events)])
    async with await psycopg.AsyncConnection.connect(logged.url) as conn:
        dump = await conn.execute("SELECT to_jsonb(u)::text FROM auth.users u")
        everything = " ".join(row[0] for row in await dump.fetchall())

    assert len(logged.hashes) > 20
    assert "$argon2" not in everything
    assert not any(password_hash in everything for password_hash in logged.hashes)
    assert not [column for column in COLUMNS if "password" in column or "hash" in column]


async def stored_track(conn: psycopg.AsyncConnection[Any], user_id: UUID) -> UserTrack:
    [track] = (await load(conn, "auth", [user_id])).values()
    return track


async def test_an_address_may_change_hands_within_one_batch_but_never_be_shared(logged: Logged) -> None:
    """Users trade addresses in one write (the index is checked at commit); a real duplicate is refused."""
    await reset(logged.url)
    await project_in_batches(logged.url, logged.events, [0, len(logged.events)])
    rows = await actual_users(logged.url)
    first, second, third = (row["id"] for row in rows[:3])
    async with await psycopg.AsyncConnection.connect(logged.url, autocommit=True) as conn:
        a, b = await stored_track(conn, first), await stored_track(conn, second)
        assert isinstance(a.state, User)
        assert isinstance(b.state, User)

        def moved(track: UserTrack, email: str) -> UserTrack:
            assert isinstance(track.state, User)
            state = replace(track.state, email=email)
            return UserTrack(track.user_id, state, track.version + 1, track.position, dirty=True)

        async with conn.transaction():
            await write(conn, "auth", [moved(a, b.state.email), moved(b, a.state.email)])
        traded = {row["id"]: row["email"] for row in await actual_users(logged.url)}
        assert (traded[first], traded[second]) == (b.state.email, a.state.email)

        c = await stored_track(conn, third)
        with pytest.raises(psycopg.errors.UniqueViolation):
            async with conn.transaction():
                await write(conn, "auth", [moved(c, a.state.email)])
    assert {row["id"]: row["email"] for row in await actual_users(logged.url)} == traded


def test_a_track_survives_its_row() -> None:
    """What a row holds folds on like the user it came from (the hash and subjects aside)."""
    user = user_after([registered()])
    row = user_row(UserTrack(USER_ID, user, 1, 9, dirty=True))
    assert row is not None
    decoded = [*row[:8], *(orjson.loads(value) for value in row[8:13]), *row[13:]]
    assert track_from_row(decoded).state == replace(user, password_hash=None)
