"""Event store benchmark: appends and read_all against real PostgreSQL, next to a raw COPY ceiling and a peer.

Run from the repo root: `python bench/eventstore.py [--events N]`. It creates a throwaway database
`fitcoach_bench_<random>` (dropped afterwards), refuses to run unless fsync and synchronous_commit are on,
prints a table, and prints one JSON object as the last line of stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import functools
import sys
import time
from collections.abc import Awaitable, Callable

import _common
from _common import Measurement, measure

_common.add_repo_root_to_path()

import psycopg  # noqa: E402
from _eventsourcing_peer import EventsourcingPeer  # noqa: E402
from _eventstore_report import report  # noqa: E402
from _eventstore_workload import (  # noqa: E402
    Append,
    compact_json,
    now,
    rounded_event_count,
    writer_plans,
)
from psycopg.rows import TupleRow  # noqa: E402

from application.eventstore import EventStore  # noqa: E402

PAGE_SIZE = 1000
WARMUP_EVENTS = 400
APPEND_SHAPES = {"single": 1, "batch10": 10}
COPY_TABLE = "bench_copy_ceiling"
COPY_COLUMNS = "position, event_id, stream, stream_version, type, schema_version, data, metadata, recorded_at"


async def open_store(kind: str, url: str, pool_size: int) -> EventStore:
    if kind == "memory":
        from adapters.memory_store import InMemoryEventStore

        return InMemoryEventStore()
    from adapters.postgres_schema import migrate
    from adapters.postgres_store import PostgresEventStore

    await migrate(url)
    return await PostgresEventStore.connect(url, min_size=pool_size, max_size=max(10, pool_size))


async def append_plans(store: EventStore, plans: list[list[Append]]) -> int:
    async def write(plan: list[Append]) -> int:
        for append in plan:
            result = await store.append(append.stream, append.events, append.expected_version)
            if result.stream_version != append.expected_version + len(append.events):
                raise RuntimeError(f"unexpected stream version {result.stream_version} for {append.stream}")
        return sum(len(append.events) for append in plan)

    return sum(await asyncio.gather(*(write(plan) for plan in plans)))


async def read_everything(store: EventStore) -> int:
    read, after = 0, 0
    while page := await store.read_all(after=after, limit=PAGE_SIZE):
        read += len(page)
        after = page[-1].position
    return read


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


AppendPlans = Callable[[list[list[Append]]], Awaitable[int]]


async def bench_appends(
    prefix: str, args: argparse.Namespace, append: AppendPlans
) -> tuple[list[Measurement], int]:
    """Single events and batches of 10, by 1 and by `--writers` writers; returns rows and total written."""
    results: list[Measurement] = []
    written = 0
    for writers in (1, args.writers):
        for shape, batch in APPEND_SHAPES.items():
            written += await append(writer_plans(WARMUP_EVENTS, batch, writers))
            count = rounded_event_count(args.events if batch > 1 else args.single_events, batch, writers)
            suffix = "" if writers == 1 else f"_{writers}w"
            results.append(
                await measure(
                    f"{prefix}_{shape}{suffix}",
                    count,
                    args.repeats,
                    functools.partial(writer_plans, count, batch, writers),
                    append,
                )
            )
            written += count * args.repeats
    return results, written


async def bench_store(args: argparse.Namespace, url: str) -> list[Measurement]:
    store = await open_store(args.store, url, pool_size=args.writers)
    try:
        results, written = await bench_appends("append", args, lambda plans: append_plans(store, plans))
        read = await measure(
            "read_all", written, args.repeats, lambda: None, lambda _: read_everything(store)
        )
        return [*results, read]
    finally:
        await store.close()


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


async def bench_peer(args: argparse.Namespace, url: str) -> list[Measurement]:
    peer = EventsourcingPeer(url, pool_size=args.writers)
    try:

        async def append_in_threads(plans: list[list[Append]]) -> int:
            return sum(await asyncio.gather(*(asyncio.to_thread(peer.append_plan, plan) for plan in plans)))

        results, written = await bench_appends("peer_eventsourcing", args, append_in_threads)
        read = await measure(
            "peer_eventsourcing_read_all",
            written,
            args.repeats,
            lambda: None,
            lambda _: asyncio.to_thread(peer.read_all, PAGE_SIZE),
        )
        return [*results, read]
    finally:
        peer.close()


async def run_all(args: argparse.Namespace, url: str) -> list[Measurement]:
    ours = await bench_store(args, url)
    ceiling = await bench_copy(args, url)
    peer = await bench_peer(args, url)
    return [*ours, ceiling, *peer]


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--events", type=int, default=20_000, help="events per append row (default 20000)")
    parser.add_argument(
        "--single-events",
        type=int,
        help="events per single-event append row (default events/4: one commit each, to keep the run short)",
    )
    parser.add_argument("--repeats", type=int, default=3, help="repetitions per row; the median counts")
    parser.add_argument("--writers", type=int, default=4, help="concurrent writers in the *_Nw rows")
    parser.add_argument("--store", choices=["postgres", "memory"], default="postgres")
    parser.add_argument(
        "--allow-non-durable", action="store_true", help="run even if fsync/synchronous_commit are off"
    )
    args = parser.parse_args()
    if args.single_events is None:
        args.single_events = max(args.events // 4, 1)
    if min(args.events, args.single_events, args.repeats) < 1 or args.writers < 2:
        parser.error("--events, --single-events and --repeats must be >= 1, --writers >= 2")
    return args


def main() -> int:
    args = parse_args()
    with _common.throwaway_database() as url:
        settings = _common.durability_settings(url)
        if not _common.is_durable(settings) and not args.allow_non_durable:
            print(f"refusing to run: commits are not durable ({settings})", file=sys.stderr)
            return 2
        started = time.perf_counter()
        rows = asyncio.run(run_all(args, url))
        report(args, settings, rows, time.perf_counter() - started, page_size=PAGE_SIZE)
    return 0


if __name__ == "__main__":
    sys.exit(main())
