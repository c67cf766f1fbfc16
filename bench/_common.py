"""Helpers shared by the benchmarks: throwaway databases, durability check, timing, table and JSON output.

Each benchmark runs as `python -m bench._<name>_main` from the repo root; `python bench/<name>.py`
launches it.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import psycopg
from psycopg import sql

REPO_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_ADMIN_URL = "postgresql://postgres@127.0.0.1:5432/postgres"
Prepared = TypeVar("Prepared")
DURABILITY_SETTINGS = ("fsync", "synchronous_commit", "wal_sync_method", "full_page_writes")


def admin_url() -> str:
    return os.environ.get("FITCOACH_BENCH_ADMIN_URL", DEFAULT_ADMIN_URL)


def with_database(url: str, database: str) -> str:
    base, _, _ = url.rpartition("/")
    return f"{base}/{database}"


@contextmanager
def throwaway_database(prefix: str = "fitcoach_bench") -> Iterator[str]:
    """Create `<prefix>_<random>` on the admin server, yield its URL, always drop it afterwards."""
    name = f"{prefix}_{uuid.uuid4().hex[:10]}"
    server = admin_url()
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    try:
        yield with_database(server, name)
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name)))


def durability_settings(url: str) -> dict[str, str]:
    """The server's durability-relevant settings, read (never changed)."""
    settings: dict[str, str] = {}
    with psycopg.connect(url) as conn:
        for name in DURABILITY_SETTINGS:
            row = conn.execute(sql.SQL("SHOW {}").format(sql.Identifier(name))).fetchone()
            settings[name] = str(row[0]) if row else "unknown"
    return settings


def is_durable(settings: dict[str, str]) -> bool:
    return settings.get("fsync") == "on" and settings.get("synchronous_commit") == "on"


@dataclass
class Measurement:
    """One benchmark row: how many items each repetition handled and how long each took."""

    name: str
    items: int
    seconds: list[float] = field(default_factory=list)

    @property
    def rate(self) -> float:
        """Items per second of the median repetition."""
        return self.items / statistics.median(self.seconds) if self.seconds else 0.0

    @property
    def spread(self) -> float:
        """(slowest - fastest) / median, a rough noise indicator."""
        if len(self.seconds) < 2:
            return 0.0
        return (max(self.seconds) - min(self.seconds)) / statistics.median(self.seconds)


async def measure(
    name: str,
    items: int,
    repeats: int,
    prepare: Callable[[], Prepared],
    run: Callable[[Prepared], Awaitable[int]],
) -> Measurement:
    """Time `run(prepare())` `repeats` times; only `run` is timed, and it must return `items` (checked)."""
    measurement = Measurement(name, items)
    for _ in range(repeats):
        prepared = prepare()
        started = time.perf_counter()
        handled = await run(prepared)
        measurement.seconds.append(time.perf_counter() - started)
        if handled != items:
            raise RuntimeError(f"{name}: handled {handled} items, expected {items}")
    return measurement


def format_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Left-align the first column, right-align the others."""
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *rows, strict=True)]

    def line(cells: Sequence[str]) -> str:
        first, *rest = cells
        return "  ".join(
            [first.ljust(widths[0]), *(c.rjust(w) for c, w in zip(rest, widths[1:], strict=True))]
        )

    separator = "  ".join("-" * width for width in widths)
    return "\n".join([line(headers), separator, *(line(row) for row in rows)])


def ratio(value: float, reference: float | None) -> str:
    return f"{value / reference:.2f}x" if reference else "-"


def print_json_last_line(result: dict[str, object]) -> None:
    """The machine-readable result: one JSON object, the last line of stdout."""
    sys.stdout.flush()
    print(json.dumps(result, sort_keys=True), flush=True)
