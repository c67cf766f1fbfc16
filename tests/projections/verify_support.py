"""Support for the `audit verify` tests: a log with events of every projection, projected by the real
runners, and snapshots of the live tables and schemas to show that a verification leaves them alone."""

from __future__ import annotations

from typing import Any

import psycopg
from psycopg import sql

from application.audit.verify import ReadModelVerification
from application.eventstore import EventStore
from domain.library.commands import ExerciseChanges
from projections.registry import PROJECTIONS
from projections.runner import ProjectionRunner
from projections.verification import ScratchRebuilds
from tests.projections.coaching.conversations import write_conversations
from tests.projections.conftest import Runners
from tests.projections.library.library_support import CATALOGUE, Library
from tests.projections.projector_support import wait_for, write_workload
from tests.projections.users.user_workload import write_user_workload

LIVE_SCHEMAS = tuple(projection.schema for projection in PROJECTIONS)


async def write_every_kind(store: EventStore) -> int:
    """Plans, users, coaching sessions and library exercises, interleaved; returns the log's head."""
    await write_workload(store, plans=6, commands=300, seed=61)
    await write_user_workload(store, users=5, commands=60, seed=62)
    await write_conversations(store)
    library = Library(store)
    await library.define(*CATALOGUE)
    await library.revise(CATALOGUE[0].exercise_id, ExerciseChanges(name="Flat Bench Press"))
    await library.retire(CATALOGUE[1].exercise_id)
    await write_workload(store, plans=2, commands=40, seed=63)
    return await store.current_position()


async def project_everything(store: EventStore, url: str, runners: Runners, head: int) -> None:
    """Every registered projection's runner started, and each caught up with `head`."""
    for projection in PROJECTIONS:
        runners.start(ProjectionRunner(store, url, projection, batch_size=50))
    for projection in PROJECTIONS:
        await wait_for(url, head, name=projection.name)


def verification(store: EventStore, url: str, *, page_size: int = 4000) -> ReadModelVerification:
    return ReadModelVerification(ScratchRebuilds(store, url, page_size=page_size))


async def live_contents(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every live read-model table, by table, in a stable order."""
    contents: dict[str, list[tuple[Any, ...]]] = {}
    async with await psycopg.AsyncConnection.connect(url) as conn:
        for schema in LIVE_SCHEMAS:
            cursor = await conn.execute(
                "SELECT tablename FROM pg_tables WHERE schemaname = %s ORDER BY 1", (schema,)
            )
            for (table,) in await cursor.fetchall():
                name = sql.SQL("{}.{}").format(sql.Identifier(schema), sql.Identifier(table))
                rows = await conn.execute(sql.SQL("SELECT t::text FROM {} t ORDER BY 1").format(name))
                contents[f"{schema}.{table}"] = await rows.fetchall()
    return contents


async def schemas(url: str) -> list[str]:
    async with await psycopg.AsyncConnection.connect(url) as conn:
        cursor = await conn.execute(
            "SELECT nspname FROM pg_namespace WHERE nspname NOT LIKE 'pg\\_%' ORDER BY 1"
        )
        return [row[0] for row in await cursor.fetchall()]


async def execute(url: str, statement: str, params: tuple[Any, ...] = ()) -> None:
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        await conn.execute(statement.encode(), params)
