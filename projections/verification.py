"""`ScratchRebuilds`: the projections rebuilt into scratch schemas for `audit verify` (the application's
`ReadModelRebuilds` port), with the rebuild's own machinery: `create_fresh_schema`, each projection's
`Replay` and the `ReplayLoop`.

One connection, one transaction, rolled back at the end whatever happens:
1. Before the transaction, a shared hold on each projection's rebuild lock: no rebuild swaps tables
   meanwhile (a rebuild holds it exclusively), while verifications may run side by side.
2. REPEATABLE READ, and the live checkpoints read first: every later read of the live tables sees them
   exactly as of those checkpoints, whatever the projectors commit meanwhile (the checkpoint commits
   with its rows).
3. A scratch schema per projection (`<schema>__verify_<random>`, unlogged tables), filled by one pass
   over the log, each projection's replay fed the events up to its own checkpoint and no further.
4. The rows of both sides, read in key order by server-side cursors. The rollback drops the scratch
   schemas, so nothing is left behind, not even when the process dies.

This holds a snapshot for the whole run, which holds back vacuum of the database meanwhile.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass

import psycopg

from application.audit.row_comparison import Key, Row
from application.audit.verify import ProjectionBusy, RebuiltProjection, Side, TablePair
from application.eventstore import EventStore
from projections.projection import Connection, EventFailed, Projection, ProjectionFailed
from projections.rebuild import REBUILD_LOCK_NAMESPACE
from projections.registry import PROJECTIONS
from projections.replay_loop import DEFAULT_PAGE_SIZE, RebuildProgress, ReplayLoop
from projections.scratch import Bounded, BoundedReplays, create_fresh_schema
from projections.table_rows import TableShape, random_keys, rows_in_key_order, table_shapes

SCRATCH_INFIX = "__verify_"


class TableWithoutKey(RuntimeError):
    code = "TABLE_WITHOUT_KEY"


@dataclass(frozen=True, slots=True)
class _Located:
    """Where the two sides of a compared table are."""

    live_schema: str
    scratch_schema: str
    live: TableShape | None
    rebuilt: TableShape | None

    def on(self, side: Side) -> tuple[str, TableShape] | None:
        shape = self.live if side is Side.LIVE else self.rebuilt
        schema = self.live_schema if side is Side.LIVE else self.scratch_schema
        return None if shape is None else (schema, shape)


class ScratchReadModels:
    """The `RebuiltReadModels` of one verification: both sides on the transaction's connection."""

    def __init__(
        self,
        conn: Connection,
        projections: Sequence[RebuiltProjection],
        located: dict[str, _Located],
        events: int,
    ) -> None:
        self._conn = conn
        self._projections = tuple(projections)
        self._located = located
        self._events = events

    @property
    def projections(self) -> Sequence[RebuiltProjection]:
        return self._projections

    @property
    def events(self) -> int:
        return self._events

    def rows(self, pair: TablePair, side: Side, keys: Sequence[Key] | None = None) -> AsyncIterator[Row]:
        there = self._located[pair.table].on(side)
        if there is None or (pair.only_in is not None and side is not pair.only_in):
            return _nothing()
        schema, shape = there
        return rows_in_key_order(self._conn, schema, shape, pair.key_columns, pair.columns, keys)

    async def random_keys(self, pair: TablePair, count: int) -> list[Key]:
        located = self._located[pair.table]
        sides = [pair.only_in] if pair.only_in is not None else [Side.LIVE, Side.REBUILT]
        tables = [there for side in sides if (there := located.on(side)) is not None]
        return await random_keys(self._conn, tables, pair.key_columns, count)


async def _nothing() -> AsyncIterator[Row]:
    none: tuple[Row, ...] = ()
    for row in none:
        yield row


class ScratchRebuilds:
    def __init__(
        self,
        store: EventStore,
        conninfo: str,
        *,
        projections: Sequence[Projection] = PROJECTIONS,
        progress: Callable[[RebuildProgress], None] | None = None,
        page_size: int = DEFAULT_PAGE_SIZE,
    ) -> None:
        self._store = store
        self._conninfo = conninfo
        self._projections = tuple(projections)
        self._progress = progress
        self._page_size = page_size

    @property
    def names(self) -> Sequence[str]:
        return tuple(projection.name for projection in self._projections)

    @asynccontextmanager
    async def rebuilt(self, names: Sequence[str]) -> AsyncIterator[ScratchReadModels]:
        chosen = [projection for projection in self._projections if projection.name in names]
        async with await psycopg.AsyncConnection.connect(self._conninfo, autocommit=True) as conn:
            for projection in chosen:  # session locks: they go with the connection
                await _hold_rebuild_lock(conn, projection.name)
            async with conn.transaction(force_rollback=True):
                await conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
                checkpoints = await _live_checkpoints(conn, chosen)
                token = secrets.token_hex(4)
                scratch = {p.name: f"{p.schema}{SCRATCH_INFIX}{token}" for p in chosen}
                events = await self._replay(conn, chosen, scratch, checkpoints)
                await conn.execute("SET CONSTRAINTS ALL IMMEDIATE")  # as a commit would check them
                rebuilt: list[RebuiltProjection] = []
                located: dict[str, _Located] = {}
                for projection in chosen:
                    pairs = await _pairs(conn, projection.schema, scratch[projection.name])
                    located.update((pair.table, where) for pair, where in pairs)
                    tables = tuple(pair for pair, _ in pairs)
                    rebuilt.append(RebuiltProjection(projection.name, checkpoints[projection.name], tables))
                yield ScratchReadModels(conn, rebuilt, located, events)

    async def _replay(
        self,
        conn: Connection,
        chosen: Sequence[Projection],
        scratch: dict[str, str],
        checkpoints: dict[str, int],
    ) -> int:
        parts = []
        for projection in chosen:
            await create_fresh_schema(conn, projection, scratch[projection.name], unlogged=True)
            parts.append(Bounded(projection.replay(scratch[projection.name]), checkpoints[projection.name]))
        until = max(checkpoints.values(), default=0)
        loop = ReplayLoop(BoundedReplays(parts), time.perf_counter(), self._progress, until=until)
        try:
            await loop.run(conn, self._store, self._page_size)
        except EventFailed as error:
            label = f"{', '.join(p.name for p in chosen)} (verify)"
            raise ProjectionFailed(label, error.event, error.__cause__ or error) from error
        return loop.events


async def _hold_rebuild_lock(conn: Connection, name: str) -> None:
    cursor = await conn.execute(
        "SELECT pg_try_advisory_lock_shared(%s, hashtext(%s))", (REBUILD_LOCK_NAMESPACE, name)
    )
    held = await cursor.fetchone()
    if not held or not held[0]:
        raise ProjectionBusy(name)


async def _live_checkpoints(conn: Connection, chosen: Sequence[Projection]) -> dict[str, int]:
    names = [projection.name for projection in chosen]
    cursor = await conn.execute(
        "SELECT name, position FROM projections.checkpoints WHERE name = ANY(%s)", (names,)
    )
    found = {str(name): int(position) for name, position in await cursor.fetchall()}
    missing = [name for name in names if name not in found]
    if missing:
        raise LookupError(f"no checkpoint for {', '.join(missing)}: run `fitcoach migrate`")
    return found


async def _pairs(conn: Connection, live_schema: str, scratch_schema: str) -> list[tuple[TablePair, _Located]]:
    live, rebuilt = await table_shapes(conn, live_schema), await table_shapes(conn, scratch_schema)
    pairs = []
    for table in sorted(live.keys() | rebuilt.keys()):
        located = _Located(live_schema, scratch_schema, live.get(table), rebuilt.get(table))
        pairs.append((_pair_of(f"{live_schema}.{table}", located), located))
    return pairs


def _pair_of(name: str, located: _Located) -> TablePair:
    shapes = {Side.LIVE: located.live, Side.REBUILT: located.rebuilt}
    key = next((shape.key for shape in shapes.values() if shape is not None and shape.key), None)
    if key is None:
        raise TableWithoutKey(f"table {name} has no primary key or unique NOT NULL key to pair rows by")
    usable = {
        side: shape for side, shape in shapes.items() if shape is not None and set(key) <= set(shape.columns)
    }
    if len(usable) == 1:
        [(only_in, shape)] = usable.items()
        return TablePair(name, key, tuple(c for c in shape.columns if c not in key), only_in=only_in)
    live, rebuilt = usable[Side.LIVE], usable[Side.REBUILT]
    return TablePair(
        name,
        key,
        columns=tuple(c for c in live.columns if c not in key and c in rebuilt.columns),
        live_only_columns=tuple(c for c in live.columns if c not in rebuilt.columns),
        rebuilt_only_columns=tuple(c for c in rebuilt.columns if c not in live.columns),
    )
