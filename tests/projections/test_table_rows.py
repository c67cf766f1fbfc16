"""The catalog and row reads `audit verify` compares with: which key pairs a table's rows, and rows in
the key order Python's comparison gives, whatever the column's collation."""

from __future__ import annotations

import psycopg
import pytest

from projections.table_rows import random_keys, rows_in_key_order, table_shapes

TABLES = """
CREATE SCHEMA shapes;
CREATE TABLE shapes.words (
    word text COLLATE "en-x-icu" PRIMARY KEY,
    code text NOT NULL UNIQUE,
    count int,
    doc jsonb,
    ratio double precision
);
CREATE TABLE shapes.pairs (a uuid NOT NULL, b int NOT NULL, note text, UNIQUE (a, b));
CREATE TABLE shapes.loose (a int UNIQUE, note text);
INSERT INTO shapes.words VALUES
    ('b', 'x1', 1, '{"z": 1, "a": [1, 2]}', 0.1),
    ('T', 'x2', NULL, NULL, 1e-7),
    ('a', 'x3', 3, '[]', 2.5),
    ('Z', 'x4', 4, '{}', 0.1::float8 + 0.2::float8),
    ('B', 'x5', 5, 'null', 3.0);
"""


@pytest.fixture
async def conn(projection_url):
    async with await psycopg.AsyncConnection.connect(projection_url) as connection:
        await connection.execute(TABLES.encode())
        yield connection


async def test_the_primary_key_pairs_rows_else_a_unique_key_of_not_null_columns_else_nothing(conn):
    shapes = await table_shapes(conn, "shapes")
    assert {name: shape.key for name, shape in shapes.items()} == {
        "words": ("word",),
        "pairs": ("a", "b"),
        "loose": None,
    }
    words = shapes["words"]
    assert words.columns == ("word", "code", "count", "doc", "ratio")
    assert words.types["ratio"] == "double precision"
    assert words.collatable == {"word", "code"}


async def test_rows_come_in_python_key_order_with_every_other_column_as_text(conn):
    words = (await table_shapes(conn, "shapes"))["words"]
    columns = ("count", "doc", "ratio")
    rows = [row async for row in rows_in_key_order(conn, "shapes", words, ("word",), columns)]
    assert [key for key, _ in rows] == sorted(key for key, _ in rows)
    assert rows == [
        (("B",), ("5", "null", "3")),
        (("T",), (None, None, "1e-07")),
        (("Z",), ("4", "{}", "0.30000000000000004")),
        (("a",), ("3", "[]", "2.5")),
        (("b",), ("1", '{"a": [1, 2], "z": 1}', "0.1")),
    ]
    chosen = [row async for row in rows_in_key_order(conn, "shapes", words, ("word",), (), [("b",), ("Z",)])]
    assert chosen == [(("Z",), ()), (("b",), ())]
    assert [row async for row in rows_in_key_order(conn, "shapes", words, ("word",), (), [])] == []


async def test_random_keys_are_drawn_from_the_tables_together(conn):
    words = (await table_shapes(conn, "shapes"))["words"]
    drawn = await random_keys(conn, [("shapes", words), ("shapes", words)], ("word",), 3)
    assert len(drawn) == len(set(drawn)) == 3
    assert set(drawn) <= {("a",), ("b",), ("B",), ("T",), ("Z",)}
    assert len(await random_keys(conn, [("shapes", words)], ("word",), 100)) == 5
