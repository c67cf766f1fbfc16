"""The GraphQL benchmark's report: the table, whether the generator could have been the bottleneck, the
target, and the JSON last line."""

from __future__ import annotations

import argparse
import math
import os

from bench._common import format_table, is_durable, print_json_last_line
from bench._graphql_hostile import HostileQuery
from bench._graphql_measure import RowResult

ROWS = (
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
CEILING_ROWS = ("typename", "typename_2x")
LATENCY_ROWS = ("typename_quiet", "typename_hostile")
"""Rows run on one generator with a few connections (`--latency-connections`) for their latency: a share
of the ceiling says nothing of them."""
TARGET_SHARE = 0.5
"""Target: the 20-plan query at 50% or more of the `{ __typename }` ceiling."""
HOSTILE_P99_FACTOR = 3.0
"""Target: `{ __typename }` p99 while another client loops the costliest allowed query, at most 3x quiet."""
IDLE_GENERATOR = 0.5
"""A generator process that used less than half a core spent most of its time waiting for the server."""
SERVER_IDLE_BOUND = 0.10
"""The server's event loop may be idle (nothing to run) at most this share of the ceiling row: more would
mean it waited for requests, i.e. the generator fell behind."""


def _round(value: float, digits: int = 2) -> float | None:
    return round(value, digits) if math.isfinite(value) else None


def _cells(result: RowResult, ceiling: float) -> list[str]:
    errors = str(result.errors)
    if result.errors:
        errors += f" (http {result.http_errors}, graphql {result.graphql_errors}, user {result.user_errors})"
    rest = max(0.0, result.machine_cpu - result.server_cpu - result.generator_cpu)
    size = result.response_bytes / result.requests / 1024 if result.requests else 0.0
    server = f"{result.server_running:.0%} / {result.server_starved:.0%} / {result.server_idle:.0%}"
    return [
        result.row.label,
        f"{result.connections}",
        f"{result.rps:,.0f}",
        f"{result.percentile_ms(0.5):.1f}",
        f"{result.percentile_ms(0.99):.1f}",
        f"{100 * result.rps / ceiling:.0f}%" if ceiling and result.row.name not in LATENCY_ROWS else "-",
        f"{result.server_ms_per_request:.2f}",
        server,
        f"{result.generator_cpu:.2f}",
        f"{rest:.2f}",
        errors,
        f"{size:.1f}",
    ]


def generator_checks(by_name: dict[str, RowResult]) -> dict[str, tuple[bool | None, str]]:
    """Evidence that the load generator did not limit the figures: (passed, explanation) per check;
    None for one that informs but does not decide."""
    checks: dict[str, tuple[bool | None, str]] = {}
    if by_name:
        busiest = max(by_name.values(), key=lambda result: result.generator_cpu / result.generators)
        per_process = busiest.generator_cpu / busiest.generators
        checks["generator processes mostly idle"] = (
            per_process < IDLE_GENERATOR,
            f"busiest {per_process:.2f} core per process, in {busiest.row.name}",
        )
    single, doubled = by_name.get("typename"), by_name.get("typename_2x")
    if single is not None:
        checks["server never short of requests on the ceiling row"] = (
            single.server_idle <= SERVER_IDLE_BOUND,
            f"its event loop idle {single.server_idle:.0%} of the window (on a CPU"
            f" {single.server_running:.0%}, waiting for one {single.server_starved:.0%})",
        )
    if single is not None and doubled is not None:
        gain = doubled.rps / single.rps if single.rps else math.inf
        checks["twice the generators and connections"] = (
            None,
            f"{gain:.2f}x the req/s ({doubled.rps:,.0f} vs {single.rps:,.0f}) with the server on a CPU"
            f" {doubled.server_running:.0%} vs {single.server_running:.0%} of the time",
        )
    return checks


def report(
    args: argparse.Namespace,
    results: list[RowResult],
    settings: dict[str, str],
    *,
    users: int,
    plans: int,
    elapsed: float,
    hostile: HostileQuery | None = None,
) -> None:
    by_name = {result.row.name: result for result in results}
    ceilings = [by_name[name] for name in CEILING_ROWS if name in by_name]
    ceiling = max((row.rps for row in ceilings), default=0.0)
    ceiling_ms = min((row.server_ms_per_request for row in ceilings), default=math.nan)
    print(
        f"one `fitcoach serve --workers 1` process; {users} users x {plans} plans x {args.exercises}"
        f" exercises; closed loop, {args.warmup:.0f} s warm-up + {args.seconds:.0f} s measured per row;"
        f" {os.cpu_count()} cores"
    )
    print("postgres " + " ".join(f"{name}={value}" for name, value in settings.items()))
    print()
    headers = ["row", "conns", "req/s", "p50 ms", "p99 ms", "of ceiling", "server CPU ms/req",
               "server run / starved / idle", "generator CPU", "rest CPU", "errors", "KB/resp"]  # fmt: skip
    print(format_table(headers, [_cells(result, ceiling) for result in results]))
    print(
        "server run / starved / idle: its event loop thread on a CPU / runnable but waiting for a CPU /"
        " with nothing to run (awaiting requests or I/O). CPU columns: cores busy (1.00 = one core);"
        " rest = PostgreSQL, Redis and everything else on the machine."
    )
    print(
        f"ceiling = the higher {{ __typename }} row: {ceiling:,.0f} req/s, {ceiling_ms:.2f} ms server CPU/req"
    )
    checks = generator_checks(by_name)
    for check, (passed, detail) in checks.items():
        verdict = "info" if passed is None else "ok" if passed else "FAILED"
        print(f"generator check, {check}: {verdict} ({detail})")
    plans20 = by_name.get("plans20")
    share = plans20.rps / ceiling if plans20 is not None and ceiling else None
    share_by_cpu = ceiling_ms / plans20.server_ms_per_request if plans20 is not None else math.nan
    met = share is not None and share >= TARGET_SHARE and plans20 is not None and not plans20.errors
    if share is not None:
        print(
            f"target plans20 >= {TARGET_SHARE:.0%} of ceiling: {'met' if met else 'MISSED'} ({share:.0%};"
            f" by server CPU per request {share_by_cpu:.0%})"
        )
    hostile_figures = _hostile_figures(by_name, hostile)
    if any(result.errors for result in results):
        print("WARNING: some rows had errors (see the errors column); their figures include failed requests")
    result: dict[str, object] = {}
    for name in ROWS:
        row = by_name.get(name)
        result[f"{name}_rps"] = round(row.rps) if row else None
        result[f"{name}_p50_ms"] = _round(row.percentile_ms(0.5)) if row else None
        result[f"{name}_p99_ms"] = _round(row.percentile_ms(0.99)) if row else None
        result[f"{name}_errors"] = row.errors if row else None
        result[f"{name}_server_cpu_ms_per_req"] = _round(row.server_ms_per_request, 3) if row else None
        result[f"{name}_server_cpu"] = round(row.server_cpu, 2) if row else None
        result[f"{name}_generator_cpu"] = round(row.generator_cpu, 2) if row else None
        result[f"{name}_server_idle"] = round(row.server_idle, 3) if row else None
        result[f"{name}_rest_cpu"] = (
            round(row.machine_cpu - row.server_cpu - row.generator_cpu, 2) if row else None
        )
    result.update(
        plans20_vs_typename=round(share, 3) if share is not None else None,
        plans20_vs_typename_by_cpu=_round(share_by_cpu, 3),
        target_plans20_ge_half_of_typename=met,
        generator_not_bottleneck=all(passed is not False for passed, _ in checks.values())
        if checks
        else None,
        connections=args.connections,
        generators=args.generators,
        seconds=args.seconds,
        warmup=args.warmup,
        users=users,
        plans_per_user=plans,
        exercises_per_plan=args.exercises,
        durable=is_durable(settings),
        elapsed_seconds=round(elapsed, 1),
    )
    result.update(hostile_figures)
    print_json_last_line(result)


def _hostile_figures(by_name: dict[str, RowResult], hostile: HostileQuery | None) -> dict[str, object]:
    """Prints the hostile rows' verdict; their JSON keys (beyond `typename_quiet_p99_ms` and
    `typename_hostile_p99_ms`, which every row has)."""
    quiet, loud = by_name.get("typename_quiet"), by_name.get("typename_hostile")
    if quiet is None or loud is None or loud.background is None or hostile is None:
        return {}
    background = loud.background
    quiet_p99, loud_p99 = quiet.percentile_ms(0.99), loud.percentile_ms(0.99)
    ratio = loud_p99 / quiet_p99 if quiet_p99 else math.nan
    met = ratio <= HOSTILE_P99_FACTOR and not loud.errors and not quiet.errors
    latencies = sorted(background.latencies_ms)
    p50 = latencies[len(latencies) // 2] if latencies else math.nan
    size = background.response_bytes / len(latencies) / 1024 if latencies else math.nan
    failed = background.http_errors + background.graphql_errors + background.user_errors
    print(
        f"costliest allowed query: {hostile.plans} plans with every field of their exercises and latest"
        f" version, cost {hostile.cost} (limit {hostile.limit}); looped by one client: {len(latencies)}"
        f" done in the window, p50 {p50:.0f} ms, {size:.0f} KB each, {failed} errors"
    )
    print(
        f"target {{ __typename }} p99 with that client <= {HOSTILE_P99_FACTOR:.0f}x quiet:"
        f" {'met' if met else 'MISSED'} ({loud_p99:.1f} ms vs {quiet_p99:.1f} ms quiet, {ratio:.1f}x)"
    )
    return {
        "typename_hostile_vs_quiet_p99": _round(ratio),
        "target_typename_hostile_within_3x_quiet": met,
        "hostile_query_cost": hostile.cost,
        "hostile_query_plans": hostile.plans,
        "max_query_cost": hostile.limit,
        "hostile_requests": len(latencies),
        "hostile_p50_ms": _round(p50),
        "hostile_errors": failed,
        "hostile_kb_per_response": _round(size, 1),
        "latency_connections": quiet.connections,
    }
