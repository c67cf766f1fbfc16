"""The tables of a schema as the catalog describes them, and their rows in key order, for `audit verify`.

A table's rows are paired by its primary key, else by a unique index of NOT NULL columns. Keys are read
as values and ordered as Python orders them: text keys by `COLLATE "C"` (code point order), the others
(uuid, integers, dates and times) in their natural order. Every other column is read as text, PostgreSQL's
own rendering: exact for the types read models use (jsonb, arrays and tsvector in canonical form, floats
in shortest exact form), and readable in a report.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from dataclasses import dataclass
from itertools import count
from typing import Any

from psycopg import sql

from application.audit.row_comparison import Key, Row
from projections.projection import Connection

FETCH_ROWS = 2000
_cursor_numbers = count(1)

_COLUMNS = """
SELECT c.relname, a.attname, format_type(a.atttypid, a.atttypmod), a.attcollation <> 0
  FROM pg_class c
  JOIN pg_namespace n ON n.oid = c.relnamespace
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
 WHERE n.nspname = %s AND c.relkind IN ('r', 'p')
 ORDER BY c.relname, a.attnum
"""
# The primary key first, else the unique indexes of NOT NULL columns (no expression, no predicate), by name.
_KEYS = """
SELECT c.relname, array_agg(a.attname ORDER BY k.ord)
  FROM pg_index i
  JOIN pg_class c ON c.oid = i.indrelid
  JOIN pg_class ix ON ix.oid = i.indexrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 CROSS JOIN LATERAL unnest(i.indkey::int2[]) WITH ORDINALITY AS k(attnum, ord)
  JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
 WHERE n.nspname = %s AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL
   AND k.ord <= i.indnkeyatts
 GROUP BY c.relname, ix.relname, i.indisprimary
HAVING bool_and(a.attnotnull)
 ORDER BY c.relname, i.indisprimary DESC, ix.relname
"""


@dataclass(frozen=True, slots=True)
class TableShape:
    name: str
    columns: tuple[str, ...]
    types: Mapping[str, str]
    """Each column's type as `format_type` writes it (`uuid`, `integer`, `text[]`, ...)."""
    collatable: frozenset[str]
    key: tuple[str, ...] | None
    """None when no key pairs the rows."""


async def table_shapes(conn: Connection, schema: str) -> dict[str, TableShape]:
    columns: dict[str, list[tuple[str, str, bool]]] = {}
    for table, column, kind, collatable in await (await conn.execute(_COLUMNS, (schema,))).fetchall():
        columns.setdefault(table, []).append((column, kind, collatable))
    keys: dict[str, tuple[str, ...]] = {}
    for table, key in await (await conn.execute(_KEYS, (schema,))).fetchall():
        keys.setdefault(table, tuple(key))
    return {
        table: TableShape(
            name=table,
            columns=tuple(column for column, _, _ in described),
            types={column: kind for column, kind, _ in described},
            collatable=frozenset(column for column, _, collatable in described if collatable),
            key=keys.get(table),
        )
        for table, described in columns.items()
    }


async def rows_in_key_order(
    conn: Connection,
    schema: str,
    shape: TableShape,
    key: Sequence[str],
    columns: Sequence[str],
    keys: Sequence[Key] | None = None,
) -> AsyncIterator[Row]:
    """The rows of `schema.<shape>` (all, or those of `keys`) by a server-side cursor, in key order."""
    if keys is not None and not keys:
        return
    selected = [*map(sql.Identifier, key), *(sql.SQL("{}::text").format(sql.Identifier(c)) for c in columns)]
    query = sql.SQL("SELECT {} FROM {}").format(sql.SQL(", ").join(selected), _table(schema, shape.name))
    params: list[Any] = []
    if keys is not None:
        query += sql.SQL(" WHERE ({}) IN (SELECT * FROM unnest({}))").format(
            sql.SQL(", ").join(map(sql.Identifier, key)),
            sql.SQL(", ").join(sql.SQL("%s::{}[]").format(sql.SQL(shape.types[c])) for c in key),
        )
        params = [[row[index] for row in keys] for index in range(len(key))]
    query += sql.SQL(" ORDER BY {}").format(_key_order(shape, key))
    width = len(key)
    async with conn.cursor(name=f"verify_rows_{next(_cursor_numbers)}") as cursor:
        cursor.itersize = FETCH_ROWS
        await cursor.execute(query, params)
        async for row in cursor:
            yield tuple(row[:width]), tuple(row[width:])


async def random_keys(
    conn: Connection, tables: Sequence[tuple[str, TableShape]], key: Sequence[str], count: int
) -> list[Key]:
    """Up to `count` keys drawn at random from those of the `(schema, shape)` tables together."""
    keys = sql.SQL(", ").join(map(sql.Identifier, key))
    union = sql.SQL(" UNION ").join(
        sql.SQL("SELECT {} FROM {}").format(keys, _table(schema, shape.name)) for schema, shape in tables
    )
    query = sql.SQL("SELECT * FROM ({}) AS keys ORDER BY random() LIMIT %s").format(union)
    return [tuple(row) for row in await (await conn.execute(query, (count,))).fetchall()]


def _key_order(shape: TableShape, key: Sequence[str]) -> sql.Composable:
    return sql.SQL(", ").join(
        sql.SQL('{} COLLATE "C"').format(sql.Identifier(c)) if c in shape.collatable else sql.Identifier(c)
        for c in key
    )


def _table(schema: str, table: str) -> sql.Composed:
    return sql.SQL("{}.{}").format(sql.Identifier(schema), sql.Identifier(table))
