"""The raw COPY ceiling: the read-model rows the rebuild produced, written back by plain COPY.

The rows are dumped once in COPY's binary format (untimed), then copied into empty tables with the same
columns, one transaction and one durable commit per repetition; only that is timed. Two variants: bare
tables (columns and NOT NULLs only: the raw ceiling) and tables with the read model's indexes and
constraints (`LIKE ... INCLUDING ALL`), which shows what the indexes alone cost.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

import psycopg
from psycopg import sql

CEILING_SCHEMA = "bench_copy_ceiling"


@dataclass(frozen=True, slots=True)
class TableDump:
    table: str
    rows: int
    chunks: list[bytes]

    @property
    def bytes(self) -> int:
        return sum(len(chunk) for chunk in self.chunks)


@dataclass(frozen=True, slots=True)
class CeilingRun:
    variant: str
    rows: int
    seconds: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)


async def dump_tables(url: str, tables: list[str]) -> list[TableDump]:
    dumps = []
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        for table in tables:
            chunks = []
            async with conn.cursor() as cursor:
                copy_out = sql.SQL("COPY {} TO STDOUT (FORMAT binary)").format(_qualified(table))
                async with cursor.copy(copy_out) as copy:
                    async for chunk in copy:
                        chunks.append(bytes(chunk))
                count = await cursor.execute(sql.SQL("SELECT count(*) FROM {}").format(_qualified(table)))
                row = await count.fetchone()
            dumps.append(TableDump(table, int(row[0]) if row else 0, chunks))
    return dumps


async def measure_ceiling(url: str, dumps: list[TableDump], *, repeats: int) -> list[CeilingRun]:
    """Both variants, alternating repetition by repetition so drift on a noisy machine hits both alike."""
    variants = {"bare": sql.SQL(""), "indexed": sql.SQL(" INCLUDING ALL")}
    seconds: dict[str, list[float]] = {variant: [] for variant in variants}
    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        await conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(CEILING_SCHEMA)))
        targets = {
            variant: [await _create_copy_target(conn, dump.table, variant, like) for dump in dumps]
            for variant, like in variants.items()
        }
        for _ in range(repeats):
            for variant, tables in targets.items():
                for target in tables:
                    await conn.execute(sql.SQL("TRUNCATE {}").format(target))
                seconds[variant].append(await _copy_all(conn, dumps, tables))
    rows = sum(dump.rows for dump in dumps)
    return [CeilingRun(variant, rows, times) for variant, times in seconds.items()]


async def _create_copy_target(
    conn: psycopg.AsyncConnection[tuple[object, ...]], table: str, variant: str, like: sql.SQL
) -> sql.Composed:
    target = sql.SQL("{}.{}").format(
        sql.Identifier(CEILING_SCHEMA), sql.Identifier(f"{variant}_{table.rpartition('.')[2]}")
    )
    await conn.execute(sql.SQL("CREATE TABLE {} (LIKE {}{})").format(target, _qualified(table), like))
    return target


async def _copy_all(
    conn: psycopg.AsyncConnection[tuple[object, ...]], dumps: list[TableDump], targets: list[sql.Composed]
) -> float:
    """All tables in one transaction and one commit, as a rebuild would; returns the seconds taken."""
    started = time.perf_counter()
    async with conn.transaction(), conn.cursor() as cursor:
        for dump, target in zip(dumps, targets, strict=True):
            async with cursor.copy(sql.SQL("COPY {} FROM STDIN (FORMAT binary)").format(target)) as copy:
                for chunk in dump.chunks:
                    await copy.write(chunk)
    return time.perf_counter() - started


def _qualified(table: str) -> sql.Composed:
    schema, _, name = table.rpartition(".")
    return sql.SQL("{}.{}").format(sql.Identifier(schema), sql.Identifier(name))
