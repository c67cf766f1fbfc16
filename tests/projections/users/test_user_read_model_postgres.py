"""`PostgresUserReadModel`: users by id, one or many, each batch in a single statement."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import UTC
from typing import Any, ClassVar

import psycopg
import pytest
from psycopg_pool import AsyncConnectionPool

from adapters.postgres.store import PostgresEventStore, use_utc
from adapters.postgres.user_read_model import PostgresUserReadModel
from projections.batch import apply_batch
from projections.registry import projection_named
from tests.projections.conftest import projector_database
from tests.projections.users.user_workload import expected_users, write_user_workload


class CountingCursor(psycopg.AsyncCursor[Any]):
    """Records every statement sent through it."""

    sent: ClassVar[list[str]] = []

    async def execute(self, query: Any, params: Any = None, **kwargs: Any) -> CountingCursor:
        CountingCursor.sent.append(str(query))
        await super().execute(query, params, **kwargs)
        return self


@dataclass
class Projected:
    model: PostgresUserReadModel
    expected: dict[uuid.UUID, dict[str, Any]]


@pytest.fixture(scope="module")
async def projected() -> AsyncIterator[Projected]:
    async with projector_database() as url:
        store = await PostgresEventStore.connect(url, max_size=2)
        await write_user_workload(store, users=60, commands=500, seed=23)
        async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
            await apply_batch(conn, projection_named("users"), await store.read_all(limit=100_000))
        expected = {row["id"]: row for row in await expected_users(store)}
        await store.close()
        pool = AsyncConnectionPool(
            url,
            min_size=1,
            max_size=1,
            kwargs={"autocommit": True, "cursor_factory": CountingCursor},
            configure=use_utc,
            open=False,
        )
        await pool.open(wait=True)
        model = PostgresUserReadModel(pool, owns_pool=True)
        try:
            yield Projected(model, expected)
        finally:
            await model.close()


async def test_a_batch_of_users_is_read_in_one_statement(projected: Projected) -> None:
    known = list(projected.expected)
    asked = [*known, *known[:5], uuid.uuid4(), uuid.uuid4()]  # repeats and unknown ids, as loaders send
    CountingCursor.sent.clear()

    found = await projected.model.users(asked)

    assert len(known) > 40
    assert set(found) == set(known)
    assert len(CountingCursor.sent) == 1


async def test_no_ids_cost_no_statement_and_an_unknown_user_is_none(projected: Projected) -> None:
    CountingCursor.sent.clear()
    assert await projected.model.users([]) == {}
    assert CountingCursor.sent == []
    assert await projected.model.user(uuid.uuid4()) is None


async def test_a_view_holds_what_the_domain_folded(projected: Projected) -> None:
    user_id, row = next(
        (user_id, row)
        for user_id, row in projected.expected.items()
        if row["preferences"] and row["date_of_birth"] and row["goals"]
    )

    view = await projected.model.user(user_id)

    assert view is not None
    for name in ("email", "display_name", "date_of_birth", "gender", "height_cm", "weight_kg", "role"):
        assert getattr(view, name) == row[name], name
    assert dict(view.preferences) == row["preferences"]
    assert (view.goals, view.injuries) == (tuple(row["goals"]), tuple(row["injuries"]))
    assert (view.version, view.last_position) == (row["version"], row["last_position"])
    assert view.created_at == row["created_at"]
    assert view.created_at.tzinfo is not None
    assert view.created_at.utcoffset() == UTC.utcoffset(None)
    with pytest.raises(TypeError):
        view.preferences["units"] = "imperial"  # type: ignore[index]


async def test_a_view_shows_no_personal_data_when_logged(projected: Projected) -> None:
    user_id, row = next(iter(projected.expected.items()))
    view = await projected.model.user(user_id)
    assert view is not None
    assert row["email"] not in repr(view)
    assert row["display_name"] not in repr(view)
