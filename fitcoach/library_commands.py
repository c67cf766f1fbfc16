"""`fitcoach library import FILE` and the shipped library's loading by `migrate` and the first `serve`.

The schema migration (`wiring.core.migrate_all`) stays free of this on purpose: tests migrate a database
for every test, and 873 appends each would slow the suite for nothing. The shell calls it instead.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import TextIO

from application.library_import import ImportReport, LibraryImport
from application.library_source import LibrarySource
from fitcoach.settings import Settings


class CountBar:
    """Progress on stderr: one redrawn line on a terminal (at most ten times a second), elsewhere a plain
    line every 5 s and at the end."""

    WIDTH = 30

    def __init__(self, out: TextIO, label: str, *, unit: str = "exercises") -> None:
        self._out = out
        self._label = label
        self._unit = unit
        self._tty = out.isatty()
        self._interval = 0.1 if self._tty else 5.0
        self._started = time.monotonic()
        self._last_draw = 0.0
        self._last: tuple[int, int] | None = None

    def update(self, done: int, total: int) -> None:
        self._last = (done, total)
        now = time.monotonic()
        if now - self._last_draw >= self._interval:
            self._last_draw = now
            self._draw(done, total)

    def finish(self) -> None:
        if self._last is not None:
            self._draw(*self._last)
            if self._tty:
                self._out.write("\n")
        self._out.flush()

    def _draw(self, done: int, total: int) -> None:
        share = min(done / total, 1.0) if total else 1.0
        filled = round(share * self.WIDTH)
        elapsed = time.monotonic() - self._started
        text = (
            f"{self._label} [{'#' * filled}{'.' * (self.WIDTH - filled)}] {share:6.1%}  "
            f"{done:,}/{total:,} {self._unit}  {elapsed:.1f} s"
        )
        self._out.write(f"\r{text}\x1b[K" if self._tty else f"{text}\n")
        self._out.flush()


async def import_library_file(settings: Settings, path: Path, *, as_json: bool) -> int:
    """Reads `path` (free-exercise-db format) and imports it; prints the report. Raises
    LibrarySourceError for a file that is no library (the CLI prints its code)."""
    from adapters.exercise_data import read_library
    from fitcoach.wiring.core import event_store_from, library_handler

    source = read_library(path)
    store = await event_store_from(settings)
    bar = CountBar(sys.stderr, "importing")
    try:
        report = await LibraryImport(store, library_handler(settings, store)).run(source, progress=bar.update)
    finally:
        bar.finish()
        await store.close()
    print(json.dumps(report.to_json()) if as_json else report_text(report))
    return 0


async def load_shipped_library(settings: Settings, *, only_if_absent: bool) -> ImportReport | None:
    """Imports the shipped library (all of it, or only when the store has none of it yet); None when
    nothing was run. The in-memory event store lives in one process, so there is nothing to load there."""
    if settings.chosen_event_store == "memory":
        return None
    from adapters.exercise_data import shipped_library
    from fitcoach.wiring.core import event_store_from, library_handler

    source: LibrarySource = shipped_library()
    store = await event_store_from(settings)
    bar = CountBar(sys.stderr, "loading the exercise library")
    try:
        importer = LibraryImport(store, library_handler(settings, store))
        if only_if_absent:
            return await importer.load_if_absent(source, progress=bar.update)
        return await importer.run(source, progress=bar.update)
    finally:
        bar.finish()
        await store.close()


def report_text(report: ImportReport) -> str:
    lines = [
        f"added {len(report.added)}, revised {len(report.revised)}, unchanged {len(report.unchanged)}, "
        f"skipped {len(report.skipped)}"
    ]
    lines += [f"  added    {exercise_id}" for exercise_id in report.added]
    lines += [f"  revised  {item.exercise_id} ({', '.join(item.changed_fields)})" for item in report.revised]
    lines += [f"  skipped  {item.entry}: {item.reason}" for item in report.skipped]
    return "\n".join(lines)


def summary(report: ImportReport | None) -> str:
    if report is None:
        return "exercise library already loaded"
    return (
        f"exercise library: added {len(report.added)}, revised {len(report.revised)}, "
        f"unchanged {len(report.unchanged)}, skipped {len(report.skipped)}"
    )
