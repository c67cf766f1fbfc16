"""Verifying read models against the log: each projection rebuilt from the log into scratch tables, up to
the live read model's checkpoint, and compared with the live tables row by row (`audit verify`).

A drifted row is one the live read model holds differently from what the log gives (a hand edit, a bug
in a projection's incremental path, a lost write), one it lacks, or one it holds that the log does not
give. The rebuild and the scratch tables are the `ReadModelRebuilds` port's; the comparison is
`row_comparison`'s. Only PostgreSQL read models are verified: caches (Redis, in-process) hold copies of
read results that expire or are invalidated, and are no source of truth to compare.
"""

from __future__ import annotations

import asyncio
import enum
from collections.abc import AsyncIterator, Sequence
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Protocol

from application.audit.row_comparison import Key, Row, RowDrift, drift_of, merge_by_key
from domain.errors import DomainError, ValidationError


class Side(enum.StrEnum):
    LIVE = "live"
    REBUILT = "rebuilt"


@dataclass(frozen=True, slots=True)
class TablePair:
    """A live read-model table and its rebuilt copy, as compared."""

    table: str
    """The live table's name, schema-qualified (`workout.workout_plans`)."""
    key_columns: tuple[str, ...]
    """The primary key (or a unique key of NOT NULL columns) that pairs the rows."""
    columns: tuple[str, ...]
    """The other columns both sides have: those compared."""
    live_only_columns: tuple[str, ...] = ()
    rebuilt_only_columns: tuple[str, ...] = ()
    only_in: Side | None = None
    """Set when the table exists on one side only (the read model's tables changed without a rebuild)."""


@dataclass(frozen=True, slots=True)
class RebuiltProjection:
    name: str
    checkpoint: int
    """The live read model's checkpoint: the rebuild replayed the log up to it, and no further."""
    tables: tuple[TablePair, ...]


class RebuiltReadModels(Protocol):
    """Projections rebuilt into scratch tables beside their live read models, both read as of one moment."""

    @property
    def projections(self) -> Sequence[RebuiltProjection]: ...

    @property
    def events(self) -> int:
        """Events of the log replayed to build them."""
        ...

    def rows(self, pair: TablePair, side: Side, keys: Sequence[Key] | None = None) -> AsyncIterator[Row]:
        """The rows on `side` (all of them, or those of `keys`) in ascending key order: each its key
        values and the text of `pair.columns` (None for NULL)."""
        ...

    async def random_keys(self, pair: TablePair, count: int) -> list[Key]:
        """Up to `count` keys drawn at random from those of either side."""
        ...


class ReadModelRebuilds(Protocol):
    @property
    def names(self) -> Sequence[str]:
        """The projections with PostgreSQL read models, in the order they are verified."""
        ...

    def rebuilt(self, names: Sequence[str]) -> AbstractAsyncContextManager[RebuiltReadModels]:
        """The projections `names` rebuilt from the log, each up to its live checkpoint, into scratch
        tables nobody else sees and that are gone when the context ends; the live tables are only read.
        Raises `ProjectionBusy` while one of them is being rebuilt."""
        ...


class UnknownProjection(DomainError):
    def __init__(self, name: str, known: Sequence[str]) -> None:
        super().__init__(
            "UNKNOWN_PROJECTION", f"no projection named {name!r} (known: {', '.join(known)})", "projection"
        )


class VerificationRunning(DomainError):
    """Another verification runs in this process: each one replays the log, so they run one at a time."""

    def __init__(self) -> None:
        super().__init__(
            "CONFLICT", "a read-model verification is already running; try again once it is done"
        )


class ProjectionBusy(DomainError):
    """A rebuild is swapping the projection's tables: verify it afterwards."""

    def __init__(self, name: str) -> None:
        super().__init__("CONFLICT", f"projection {name!r} is being rebuilt; verify it once that is done")


@dataclass(frozen=True, slots=True)
class TableReport:
    table: str
    key_columns: tuple[str, ...]
    live_rows: int
    rebuilt_rows: int
    compared_rows: int
    """Keys compared: every key of either side, or the sample's."""
    drifted_rows: int
    live_only_columns: tuple[str, ...]
    rebuilt_only_columns: tuple[str, ...]
    only_in: Side | None

    @property
    def drifted(self) -> bool:
        shape_differs = bool(self.live_only_columns or self.rebuilt_only_columns or self.only_in)
        return self.drifted_rows > 0 or shape_differs


@dataclass(frozen=True, slots=True)
class ProjectionReport:
    projection: str
    checkpoint: int
    tables: tuple[TableReport, ...]
    drifts: tuple[RowDrift, ...]

    @property
    def drifted(self) -> bool:
        return any(table.drifted for table in self.tables)


@dataclass(frozen=True, slots=True)
class VerifyReport:
    projections: tuple[ProjectionReport, ...]
    events_replayed: int
    sample: int | None
    """Keys compared per table, drawn at random; None when every row was compared."""

    @property
    def drifted(self) -> bool:
        return any(projection.drifted for projection in self.projections)

    @property
    def drift_count(self) -> int:
        return sum(len(projection.drifts) for projection in self.projections)


MAX_SAMPLE = 100_000
"""Most random keys compared per table; more is every row, which leaving `sample` out asks for."""


class ReadModelVerification:
    """Verifications one at a time: each replays the log into scratch tables (its cost is the log's size),
    so a second one asked for meanwhile is refused (`VerificationRunning`) rather than queued."""

    def __init__(self, rebuilds: ReadModelRebuilds) -> None:
        self._rebuilds = rebuilds
        self._running = asyncio.Lock()

    @property
    def names(self) -> Sequence[str]:
        return self._rebuilds.names

    async def verify(self, projection: str | None = None, *, sample: int | None = None) -> VerifyReport:
        """Every projection, or the one named; every row, or `sample` random keys of each table."""
        known = self._rebuilds.names
        if projection is not None and projection not in known:
            raise UnknownProjection(projection, known)
        if sample is not None and not 1 <= sample <= MAX_SAMPLE:
            raise ValidationError("sample", f"must be 1 to {MAX_SAMPLE}")
        if self._running.locked():
            raise VerificationRunning()
        names = list(known) if projection is None else [projection]
        async with self._running, self._rebuilds.rebuilt(names) as rebuilt:
            reports = [await _projection_report(rebuilt, each, sample) for each in rebuilt.projections]
            return VerifyReport(tuple(reports), rebuilt.events, sample)


async def _projection_report(
    rebuilt: RebuiltReadModels, projection: RebuiltProjection, sample: int | None
) -> ProjectionReport:
    tables, drifts = [], []
    for pair in projection.tables:
        table, found = await _compare_table(rebuilt, pair, sample)
        tables.append(table)
        drifts += found
    return ProjectionReport(projection.name, projection.checkpoint, tuple(tables), tuple(drifts))


async def _compare_table(
    rebuilt: RebuiltReadModels, pair: TablePair, sample: int | None
) -> tuple[TableReport, list[RowDrift]]:
    keys = None if sample is None else await rebuilt.random_keys(pair, sample)
    live = rebuilt.rows(pair, Side.LIVE, keys)
    rebuilt_rows = rebuilt.rows(pair, Side.REBUILT, keys)
    counts = {Side.LIVE: 0, Side.REBUILT: 0}
    compared, drifts = 0, []
    async for key, live_values, rebuilt_values in merge_by_key(live, rebuilt_rows):
        compared += 1
        counts[Side.LIVE] += live_values is not None
        counts[Side.REBUILT] += rebuilt_values is not None
        drift = drift_of(pair.table, pair.key_columns, pair.columns, key, live_values, rebuilt_values)
        if drift is not None:
            drifts.append(drift)
    report = TableReport(
        table=pair.table,
        key_columns=pair.key_columns,
        live_rows=counts[Side.LIVE],
        rebuilt_rows=counts[Side.REBUILT],
        compared_rows=compared,
        drifted_rows=len(drifts),
        live_only_columns=pair.live_only_columns,
        rebuilt_only_columns=pair.rebuilt_only_columns,
        only_in=pair.only_in,
    )
    return report, drifts
