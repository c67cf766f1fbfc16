"""`python bench/library.py`: set up (database, server, catalogue, users), probe each row, measure, report,
clean up. See bench/library.py for what is measured."""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import random
import sys
import time
import uuid
from pathlib import Path
from typing import Any

import httpx

from bench import _common
from bench._graphql_measure import RowResult, measure_row
from bench._graphql_rows import Request, Row
from bench._graphql_server import REPO_ROOT, ServedApi, delete_redis_prefix, served_api
from bench._library_seed import seed

DEFAULT_SOURCE = REPO_ROOT.parent / "shared" / "data" / "free-exercise-db" / "exercises.json"
SEARCH = """query Search($search: String, $muscles: [Muscle!], $equipment: [Equipment!], $level: Level,
  $pattern: MovementPattern, $exclude: [String!], $availableTo: Boolean, $first: Int) {
  exercises(search: $search, muscles: $muscles, equipment: $equipment, level: $level, pattern: $pattern,
            excludeContraindications: $exclude, availableTo: $availableTo, first: $first) {
    totalCount edges { node { id name level equipment primaryMuscles } }
  } }"""
TEXTS = (
    "benchpress", "squatt", "dedlift", "shoulder pres", "bench press", "curl", "lunges", "pull up",
    "plank", "row", "calf raise", "tricep extension", "hamstring stretch", "kettlebell swing",
)  # fmt: skip
FILTERS: tuple[dict[str, Any], ...] = (
    {"muscles": ["CHEST"]},
    {"muscles": ["QUADRICEPS", "GLUTES"], "level": "BEGINNER"},
    {"equipment": ["DUMBBELL"]},
    {"equipment": ["BODY_ONLY"], "muscles": ["ABDOMINALS"]},
    {"level": "EXPERT"},
    {"exclude": ["jumping", "deep_knee_flexion_loaded"], "muscles": ["QUADRICEPS"]},
    {"pattern": "SQUAT"},
)
ROW_ORDER = ("typename", "search", "search_executed")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="measured seconds per row (default 10)")
    parser.add_argument("--warmup", type=float, default=2.0, help="unmeasured seconds first (default 2)")
    parser.add_argument("--connections", type=int, default=8, help="connections (default 8)")
    parser.add_argument("--users", type=int, default=8, help="users with profiles (default 8)")
    parser.add_argument(
        "--source",
        type=Path,
        default=DEFAULT_SOURCE,
        help="free-exercise-db JSON, used only when the server ships no library",
    )
    parser.add_argument("--rows", nargs="+", choices=ROW_ORDER, default=list(ROW_ORDER), help="a subset")
    parser.add_argument(
        "--allow-non-durable", action="store_true", help="run even if fsync/synchronous_commit are off"
    )
    args = parser.parse_args()
    if min(args.seconds, args.warmup) <= 0 or min(args.connections, args.users) < 1:
        parser.error("--seconds and --warmup must be > 0; --connections and --users >= 1")
    return args


def _search(token: str, **variables: Any) -> Request:
    return {"query": SEARCH, "variables": {"first": 20, **variables}}, token


def search_mix(tokens: list[str]) -> list[Request]:
    """Text, filters, both, and `availableTo` for every user: each asked by every user in turn."""
    mix: list[Request] = []
    users = itertools.cycle(tokens)
    for text in TEXTS:
        mix.append(_search(next(users), search=text))
    for filters in FILTERS:
        mix.append(_search(next(users), **filters))
    for text, filters in zip(TEXTS, FILTERS, strict=False):
        mix.append(_search(next(users), search=text, **filters))
    for token, text in zip(tokens, itertools.cycle(("", *TEXTS[:4])), strict=False):
        mix.append(_search(token, availableTo=True, **({"search": text} if text else {})))
        mix.append(_search(token, availableTo=True, muscles=["CHEST", "LATS"]))
    random.Random(11).shuffle(mix)
    return mix


def executed_mix(tokens: list[str], count: int = 6_000) -> list[Request]:
    """Requests no two alike (text x page size x filters), so each one misses the search cache."""
    extras: tuple[dict[str, Any], ...] = ({}, {"exclude": ["jumping"]}, {"availableTo": True})
    variants = itertools.product(TEXTS, range(1, 101), extras)
    users = itertools.cycle(tokens)
    mix = [
        _search(next(users), search=text, **{**extra, "first": first})
        for text, first, extra in itertools.islice(variants, count)
    ]
    random.Random(12).shuffle(mix)
    return mix


def _answers(body: dict[str, Any]) -> bool:
    return not body.get("errors") and isinstance(body["data"]["exercises"]["totalCount"], int)


def build_rows(tokens: list[str]) -> dict[str, Row]:
    typename: Request = ({"query": "{ __typename }"}, None)
    mix, executed = search_mix(tokens), executed_mix(tokens)
    return {
        "typename": Row(
            "typename", "`{ __typename }` (ceiling)", lambda i, n: [typename],
            lambda body: body == {"data": {"__typename": "Query"}}, typename,
        ),
        "search": Row("search", f"search mix ({len(mix)} queries)", lambda i, n: mix, _answers, mix[0]),
        "search_executed": Row(
            "search_executed", "search mix, every request past the cache", lambda i, n: executed,
            _answers, executed[0],
        ),
    }  # fmt: skip


def probe(served: ServedApi, rows: dict[str, Row], tokens: list[str]) -> dict[str, int]:
    """Every request of the mix once, checked; returns a few answers' totals, for the report."""
    totals: dict[str, int] = {}
    with httpx.Client(base_url=served.url, timeout=10.0) as client:
        for row in rows.values():
            requests = row.requests(0, 1) if row.name == "search" else [row.probe]
            for body, token in requests:
                headers = {"Authorization": f"Bearer {token}"} if token else {}
                response = client.post("/graphql", json=body, headers=headers)
                if response.status_code != 200 or not row.check(response.json()):
                    raise RuntimeError(
                        f"{row.name}: wrong answer {response.status_code} {response.text[:500]}"
                    )
                if row.name == "search":
                    label = json.dumps({k: v for k, v in body["variables"].items() if k != "first"})
                    totals[label] = response.json()["data"]["exercises"]["totalCount"]
    return totals


def run(args: argparse.Namespace, url: str, redis_prefix: str) -> tuple[list[RowResult], int, dict[str, int]]:
    with served_api(url, redis_prefix) as served:
        print(f"server pid {served.pid} on port {served.port}; seeding ...", file=sys.stderr)
        started = time.monotonic()
        tokens, exercises = asyncio.run(seed(served.url, url, users=args.users, source=args.source))
        print(
            f"{exercises} exercises, {len(tokens)} users in {time.monotonic() - started:.1f} s",
            file=sys.stderr,
        )
        rows = build_rows(tokens)
        totals = probe(served, rows, tokens)
        results = []
        for name in (name for name in ROW_ORDER if name in args.rows):
            print(f"row {name}: {args.connections} connections", file=sys.stderr)
            result = measure_row(
                served, rows[name], generators=1, connections=args.connections, warmup=args.warmup,
                seconds=args.seconds,
            )  # fmt: skip
            results.append(result)
            print(f"  {result.rps:,.0f} req/s, {result.errors} errors", file=sys.stderr)
        return results, exercises, totals


def report(
    results: list[RowResult], exercises: int, totals: dict[str, int], args: argparse.Namespace
) -> None:
    by_name = {result.row.name: result for result in results}
    ceiling = by_name["typename"].rps if "typename" in by_name else 0.0
    headers = ("row", "req/s", "p50 ms", "p99 ms", "of ceiling", "server CPU ms/req", "errors", "KB/resp")
    table = []
    for result in results:
        size = result.response_bytes / result.requests / 1024 if result.requests else 0.0
        table.append([
            result.row.label, f"{result.rps:,.0f}", f"{result.percentile_ms(0.5):.1f}",
            f"{result.percentile_ms(0.99):.1f}", f"{100 * result.rps / ceiling:.0f}%" if ceiling else "-",
            f"{result.server_ms_per_request:.2f}", str(result.errors), f"{size:.1f}",
        ])  # fmt: skip
    print(_common.format_table(headers, table))
    print(f"\n{exercises} live exercises; {args.connections} connections; answers' totals of a few searches:")
    for label, total in list(totals.items())[:8]:
        print(f"  {total:4d}  {label}")
    figures: dict[str, object] = {"exercises": exercises, "connections": args.connections}
    for name, result in by_name.items():
        figures[f"{name}_rps"] = round(result.rps)
        figures[f"{name}_p99_ms"] = round(result.percentile_ms(0.99), 2)
        figures[f"{name}_errors"] = result.errors
    if "search" in by_name and ceiling:
        search = by_name["search"]
        figures["search_of_typename"] = round(search.rps / ceiling, 3)
        figures["target_search_ge_40pct_of_typename"] = search.rps >= 0.4 * ceiling
        figures["target_search_p99_under_50ms"] = search.percentile_ms(0.99) < 50
    _common.print_json_last_line(figures)


def main() -> int:
    args = parse_args()
    with _common.throwaway_database("fitcoach_bench_library") as url:
        settings = _common.durability_settings(url)
        if not _common.is_durable(settings) and not args.allow_non_durable:
            print(f"refusing to run: commits are not durable ({settings})", file=sys.stderr)
            return 2
        redis_prefix = f"fitcoach-bench-{uuid.uuid4().hex[:10]}:"
        try:
            results, exercises, totals = run(args, url, redis_prefix)
        finally:
            deleted = delete_redis_prefix(redis_prefix)
            print(f"deleted {deleted} Redis keys under {redis_prefix}", file=sys.stderr)
    report(results, exercises, totals, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
