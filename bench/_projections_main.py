"""The projection benchmark's phases in order, its command line, and `main` (see `bench/projections.py`)."""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import random
import sys
import time

from adapters.postgres.schema import migrate as migrate_event_store
from adapters.postgres.store import PostgresEventStore
from bench import _common
from bench._projections_ceiling import dump_tables, measure_ceiling
from bench._projections_load import copy_into_log, verify_sample
from bench._projections_report import Figures, report
from bench._projections_rig import (
    build_snapshots,
    check_package,
    core_settings,
    measure_read_your_writes,
    migrate_projections,
    read_and_decode,
    rebuild_projection,
)
from bench._projections_workload import interleaved, scripts_for, timelines

READ_MODEL_TABLES = ["workout.workout_plans", "workout.workout_exercises", "workout.plan_versions"]


async def run(args: argparse.Namespace, url: str) -> Figures:
    check_package()
    await migrate_event_store(url)
    await migrate_projections(url)
    rng = random.Random(args.seed)
    print(
        f"generating {args.events:,} events over {args.plans:,} plans and loading them ...", file=sys.stderr
    )
    scripts = scripts_for(timelines(args.events, args.plans, rng), rng)
    loaded = await copy_into_log(url, interleaved(scripts))
    store = await PostgresEventStore.connect(url, min_size=2, max_size=10)
    try:
        checked = await verify_sample(store, scripts, rng)
        # The generator's plans (about a million objects) stay alive for the checks below; moved out of
        # the collector's reach so they do not slow the measured phases with full collections a real
        # server or projector process would never run.
        gc.collect()
        gc.freeze()
        print(
            f"loaded in {loaded.seconds:.0f} s; {checked} plans read back and folded as generated",
            file=sys.stderr,
        )
        read_seconds = await read_and_decode(store, loaded.events)
        rebuild_seconds, reported_eps = await rebuild_projection(store, url, scripts, rng)
        dumps = await dump_tables(url, READ_MODEL_TABLES)
        ceiling = await measure_ceiling(url, dumps, repeats=args.copy_repeats)
        plans = [script.state for script in scripts if script.state is not None]
        snapshots_saved, snapshots_seconds = await build_snapshots(store, url)
        ryw = await measure_read_your_writes(store, url, plans, args, rng)
    finally:
        await store.close()
    return Figures(
        events=loaded.events,
        plans=args.plans,
        loaded=loaded,
        read_decode_seconds=read_seconds,
        rebuild_seconds=rebuild_seconds,
        rebuild_reported_eps=reported_eps,
        dumps=dumps,
        ceiling=ceiling,
        ryw=ryw,
        ryw_rate=args.rate,
        ryw_seconds=args.seconds,
        runner=args.runner,
        projector_redis=args.redis_url is not None,
        snapshot_every=core_settings(url).snapshot_every,
        snapshots_saved=snapshots_saved,
        snapshots_seconds=snapshots_seconds,
    )


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description="Projection benchmark: rebuild, COPY ceiling, read-your-writes."
    )
    parser.add_argument("--events", type=int, default=1_000_000, help="events in the log (default 1000000)")
    parser.add_argument("--plans", type=int, default=10_000, help="workout plans (default 10000)")
    parser.add_argument("--rate", type=float, default=200.0, help="commands/s in the read-your-writes phase")
    parser.add_argument("--seconds", type=float, default=15.0, help="length of the read-your-writes phase")
    parser.add_argument("--copy-repeats", type=int, default=3, help="COPY ceiling repetitions; median counts")
    parser.add_argument(
        "--runner",
        choices=["in-process", "subprocess"],
        default="subprocess",
        help="run the ProjectionRunner as a `fitcoach project` process (default: the scale-out setup, which"
        " leaves this process's core to the commands) or in this process (the embedded setup)",
    )
    parser.add_argument(
        "--redis-url",
        default=os.environ.get("FITCOACH_BENCH_REDIS_URL", "redis://127.0.0.1:6379/0"),
        help="the Redis the projector invalidates and announces on after each batch (default: $FITCOACH_BENCH"
        "_REDIS_URL or redis://127.0.0.1:6379/0; keys under a prefix of the run's own)",
    )
    parser.add_argument(
        "--no-redis", dest="redis_url", action="store_const", const=None, help="a projector without Redis"
    )
    parser.add_argument("--seed", type=int, default=3, help="workload seed")
    parser.add_argument(
        "--allow-non-durable", action="store_true", help="run even if fsync/synchronous_commit are off"
    )
    args = parser.parse_args()
    if args.plans < 1 or args.events < 2 * args.plans:
        parser.error("need --plans >= 1 and --events >= 2 * --plans")
    if args.rate <= 0 or args.seconds <= 0 or args.copy_repeats < 1:
        parser.error("--rate, --seconds and --copy-repeats must be positive")
    return args


def main() -> int:
    args = parse_args()
    with _common.throwaway_database("fitcoach_bench_proj") as url:
        settings = _common.durability_settings(url)
        if not _common.is_durable(settings) and not args.allow_non_durable:
            print(f"refusing to run: commits are not durable ({settings})", file=sys.stderr)
            return 2
        started = time.perf_counter()
        figures = asyncio.run(run(args, url))
        report(figures, settings, time.perf_counter() - started)
    return 0


if __name__ == "__main__":
    sys.exit(main())
