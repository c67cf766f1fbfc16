"""The event store benchmark's raw ceiling: the same events written with one COPY and one commit, no store."""

from __future__ import annotations

import argparse

import psycopg
from psycopg.rows import TupleRow

from bench._common import Measurement, measure
from bench._eventstore_appends import WARMUP_EVENTS
from bench._eventstore_workload import Append, compact_json, now, rounded_event_count, writer_plans

COPY_TABLE = "bench_copy_ceiling"
COPY_COLUMNS = "position, event_id, stream, stream_version, type, schema_version, data, metadata, recorded_at"


async def copy_plans(conn: psycopg.AsyncConnection[TupleRow], plans: list[list[Append]]) -> int:
    """All events in one COPY and one commit: the raw ceiling for the same rows."""
    written = 0
    async with (
        conn.transaction(),
        conn.cursor() as cursor,
        cursor.copy(f"COPY {COPY_TABLE} ({COPY_COLUMNS}) FROM STDIN") as copy,
    ):
        for append in (append for plan in plans for append in plan):
            recorded_at = now()
            for index, event in enumerate(append.events):
                written += 1
                await copy.write_row(
                    (
                        written,
                        event.event_id,
                        append.stream,
                        append.expected_version + index + 1,
                        event.type,
                        event.schema_version,
                        compact_json(event.data),
                        compact_json(event.metadata.to_dict()),
                        recorded_at,
                    )
                )
    return written


async def bench_copy(args: argparse.Namespace, url: str) -> Measurement:
    async with await psycopg.AsyncConnection.connect(url) as conn:
        await conn.execute(
            f"CREATE TABLE {COPY_TABLE} (position bigint, event_id uuid, stream text, stream_version bigint,"
            " type text, schema_version int, data jsonb, metadata jsonb, recorded_at timestamptz)"
        )
        await conn.commit()
        await copy_plans(conn, writer_plans(WARMUP_EVENTS, 10, 1))
        count = rounded_event_count(args.events, 10, 1)
        return await measure(
            "copy_ceiling",
            count,
            args.repeats,
            lambda: writer_plans(count, 10, 1),
            lambda plans: copy_plans(conn, plans),
        )
