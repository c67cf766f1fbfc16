"""`python bench/graphql.py`: set up (database, server, seed), probe each row, measure, report, clean up.
See bench/graphql.py for what is measured."""

from __future__ import annotations

import argparse
import asyncio
import dataclasses
import sys
import time
import uuid

import httpx

from bench import _common
from bench._graphql_hostile import HostileQuery, costliest_allowed, seed_hostile
from bench._graphql_measure import RowResult, measure_row
from bench._graphql_report import LATENCY_ROWS, report
from bench._graphql_rows import Row, build_rows, hostile_rows
from bench._graphql_seed import seed
from bench._graphql_server import ServedApi, delete_redis_prefix, served_api
from tests.library_support import define_test_library_at

PLANS_PER_USER = 20
"""The measured page is `workoutPlans(first: 20)`: every user has exactly one page of plans."""
ROW_ORDER = (
    "typename",
    "typename_auth",
    "plans20",
    "plans20_executed",
    "plan",
    "mutation",
    "typename_2x",
    "typename_quiet",
    "typename_hostile",
)


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds per row (default 10)")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds first (default 2)")
    parser.add_argument("--connections", type=int, default=32, help="connections per generator (default 32)")
    parser.add_argument("--generators", type=int, default=1, help="generator processes per row (default 1)")
    parser.add_argument(
        "--latency-connections",
        type=int,
        default=4,
        help="connections of the { __typename } latency rows, quiet and hostile (default 4)",
    )
    parser.add_argument("--users", type=int, default=8, help="seeded users (default 8)")
    parser.add_argument("--exercises", type=int, default=6, help="exercises per plan (default 6)")
    parser.add_argument("--rows", nargs="+", choices=ROW_ORDER, default=list(ROW_ORDER), help="a subset")
    parser.add_argument(
        "--allow-non-durable", action="store_true", help="run even if fsync/synchronous_commit are off"
    )
    args = parser.parse_args()
    if min(args.seconds, args.warmup) <= 0 or min(args.connections, args.generators, args.users) < 1:
        parser.error("--seconds and --warmup must be > 0; --connections, --generators, --users >= 1")
    if args.latency_connections < 1:
        parser.error("--latency-connections must be >= 1")
    if not 1 <= args.exercises <= 20:
        parser.error("--exercises must be from 1 to 20 (a plan holds at most 20)")
    return args


def probe(served: ServedApi, rows: dict[str, Row]) -> None:
    """One request per row, checked in full: a row whose answer is wrong is not measured at all."""
    with httpx.Client(base_url=served.url, timeout=10.0) as client:
        for row in rows.values():
            body, token = row.probe
            headers = {"Authorization": f"Bearer {token}"} if token else {}
            response = client.post("/graphql", json=body, headers=headers)
            if response.status_code != 200 or not row.check(response.json()):
                raise RuntimeError(f"{row.name}: wrong answer {response.status_code} {response.text[:500]}")


def run(args: argparse.Namespace, url: str, redis_prefix: str) -> tuple[list[RowResult], HostileQuery | None]:
    with served_api(url, redis_prefix) as served:
        print(f"server pid {served.pid} on port {served.port}; seeding ...", file=sys.stderr)
        started = time.monotonic()
        asyncio.run(define_test_library_at(url))  # plans take exercises of the library only
        users = asyncio.run(
            seed(served.url, users=args.users, plans=PLANS_PER_USER, exercises=args.exercises)
        )
        rows = build_rows(users, PLANS_PER_USER, args.exercises)
        hostile = None
        if set(LATENCY_ROWS) & set(args.rows):
            hostile = asyncio.run(costliest_allowed(served.url))
            print(f"costliest allowed query: {hostile.plans} plans, cost {hostile.cost}", file=sys.stderr)
            token = asyncio.run(seed_hostile(served.url, hostile.plans))
            rows.update(hostile_rows(hostile.query, hostile.plans, token))
        print(f"seeded in {time.monotonic() - started:.1f} s", file=sys.stderr)
        probe(served, rows)
        results: list[RowResult] = []
        for name in (name for name in ROW_ORDER if name in args.rows):
            doubled = name == "typename_2x"
            label = f"{{ __typename }}, {2 * args.generators} generators"
            row = dataclasses.replace(rows["typename"], name=name, label=label) if doubled else rows[name]
            generators = 1 if name in LATENCY_ROWS else args.generators * (2 if doubled else 1)
            connections = args.latency_connections if name in LATENCY_ROWS else args.connections
            print(f"row {name}: {generators} generator(s) x {connections} connections", file=sys.stderr)
            result = measure_row(
                served,
                row,
                generators=generators,
                connections=connections,
                warmup=args.warmup,
                seconds=args.seconds,
            )
            results.append(result)
            print(f"  {result.rps:,.0f} req/s, {result.errors} errors", file=sys.stderr)
        return results, hostile


def main() -> int:
    args = parse_args()
    started = time.monotonic()
    with _common.throwaway_database("fitcoach_bench_graphql") as url:
        settings = _common.durability_settings(url)
        if not _common.is_durable(settings) and not args.allow_non_durable:
            print(f"refusing to run: commits are not durable ({settings})", file=sys.stderr)
            return 2
        redis_prefix = f"fitcoach-bench-{uuid.uuid4().hex[:10]}:"
        try:
            results, hostile = run(args, url, redis_prefix)
        finally:
            deleted = delete_redis_prefix(redis_prefix)
            print(f"deleted {deleted} Redis keys under {redis_prefix}", file=sys.stderr)
    elapsed = time.monotonic() - started
    report(args, results, settings, users=args.users, plans=PLANS_PER_USER, elapsed=elapsed, hostile=hostile)
    return 0


if __name__ == "__main__":
    sys.exit(main())
