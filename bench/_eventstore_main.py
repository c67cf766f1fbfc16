"""Event store benchmark: appends and read_all against real PostgreSQL, next to a raw COPY ceiling and a peer.

Run from the repo root: `python bench/eventstore.py [--events N]`. It creates a throwaway database
`fitcoach_bench_<random>` (dropped afterwards), refuses to run unless fsync and synchronous_commit are on,
prints a table, and prints one JSON object as the last line of stdout.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import time

from application.eventstore import EventStore
from bench import _common
from bench._common import Measurement, measure
from bench._eventsourcing_peer import EventsourcingPeer
from bench._eventstore_appends import bench_appends
from bench._eventstore_copy import bench_copy
from bench._eventstore_report import report
from bench._eventstore_workload import Append

PAGE_SIZE = 1000


async def open_store(kind: str, url: str, pool_size: int) -> EventStore:
    if kind == "memory":
        from adapters.memory.store import InMemoryEventStore

        return InMemoryEventStore()
    from adapters.postgres.schema import migrate
    from adapters.postgres.store import PostgresEventStore

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
