"""A live read-model table against its rebuilt copy, row by row: a merge of two key-ordered row streams.

Pure: rows are plain tuples, whatever reads them. A row is its key (the values of the table's key
columns) and the text of each compared column (None for NULL). Both streams must come in ascending key
order, by Python's comparison of the key tuples; a stream out of order is refused, not misread.
"""

from __future__ import annotations

import enum
from collections.abc import AsyncIterable, AsyncIterator, Sequence
from dataclasses import dataclass, field
from typing import Any

Key = tuple[Any, ...]
Values = tuple[str | None, ...]
Row = tuple[Key, Values]


class DriftKind(enum.StrEnum):
    CHANGED = "changed"
    """Both sides hold the row; some columns differ."""
    MISSING = "missing"
    """The rebuild holds the row; the live read model does not."""
    EXTRA = "extra"
    """The live read model holds the row; the rebuild does not."""


@dataclass(frozen=True, slots=True)
class ColumnDrift:
    """One column of a drifted row. Values are left out of `repr`: they may be personal data."""

    column: str
    live: str | None = field(repr=False)
    rebuilt: str | None = field(repr=False)


@dataclass(frozen=True, slots=True)
class RowDrift:
    table: str
    key: tuple[tuple[str, str], ...]
    """(key column, its value as text), in the key's order."""
    kind: DriftKind
    columns: tuple[ColumnDrift, ...]
    """CHANGED: the columns that differ. MISSING, EXTRA: every compared column of the row there is."""


class RowsOutOfOrder(ValueError):
    """A row stream did not come in ascending key order: the comparison would be wrong, so it stops."""


async def merge_by_key(
    live: AsyncIterable[Row], rebuilt: AsyncIterable[Row]
) -> AsyncIterator[tuple[Key, Values | None, Values | None]]:
    """Every key of either side once, ascending, with its values on each side (None where absent)."""
    lives, rebuilds = _ordered(live), _ordered(rebuilt)
    left = await anext(lives, None)
    right = await anext(rebuilds, None)
    while left is not None or right is not None:
        if right is None or (left is not None and left[0] < right[0]):
            assert left is not None
            yield left[0], left[1], None
            left = await anext(lives, None)
        elif left is None or right[0] < left[0]:
            yield right[0], None, right[1]
            right = await anext(rebuilds, None)
        else:
            yield left[0], left[1], right[1]
            left, right = await anext(lives, None), await anext(rebuilds, None)


async def _ordered(rows: AsyncIterable[Row]) -> AsyncIterator[Row]:
    previous: Key | None = None
    async for row in rows:
        if previous is not None and not previous < row[0]:
            raise RowsOutOfOrder("a row stream came out of ascending key order")
        previous = row[0]
        yield row


def drift_of(
    table: str,
    key_columns: Sequence[str],
    columns: Sequence[str],
    key: Key,
    live: Values | None,
    rebuilt: Values | None,
) -> RowDrift | None:
    """How the row of `key` differs between the sides (`columns` name the values), or None if it does not."""
    named_key = tuple((column, str(value)) for column, value in zip(key_columns, key, strict=True))
    if live is None and rebuilt is None:
        raise ValueError("a row is on at least one side")
    if rebuilt is None:
        extra = tuple(ColumnDrift(c, value, None) for c, value in zip(columns, live or (), strict=True))
        return RowDrift(table, named_key, DriftKind.EXTRA, extra)
    if live is None:
        missing = tuple(ColumnDrift(c, None, value) for c, value in zip(columns, rebuilt, strict=True))
        return RowDrift(table, named_key, DriftKind.MISSING, missing)
    if live == rebuilt:
        return None
    changed = tuple(
        ColumnDrift(column, before, after)
        for column, before, after in zip(columns, live, rebuilt, strict=True)
        if before != after
    )
    return RowDrift(table, named_key, DriftKind.CHANGED, changed)
