"""The append rows every contender of the event store benchmark runs: single events and batches of 10,
by one writer and by `--writers` writers, each after a warm-up.
"""

from __future__ import annotations

import argparse
import functools
from collections.abc import Awaitable, Callable

from bench._common import Measurement, measure
from bench._eventstore_workload import Append, rounded_event_count, writer_plans

WARMUP_EVENTS = 400
APPEND_SHAPES = {"single": 1, "batch10": 10}

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
