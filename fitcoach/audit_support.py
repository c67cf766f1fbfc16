"""What every `fitcoach audit` subcommand is made of (`AuditCommand`), and what several of them use:
the event store and seals opened for one command, and a progress bar for long reads."""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Collection, Iterator, Sequence
from contextlib import asynccontextmanager, contextmanager
from dataclasses import dataclass

from application.eventstore import EventStore
from application.integrity.log_pages import Progress, ReadProgress
from application.integrity.seals import Seals
from fitcoach.settings import Settings


@dataclass(frozen=True, slots=True)
class AuditCommand:
    name: str
    help: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    run: Callable[[Settings, argparse.Namespace], Awaitable[int]]
    """Runs the command with the parsed arguments; returns the exit status."""


@asynccontextmanager
async def store_and_seals(settings: Settings) -> AsyncIterator[tuple[EventStore, Seals]]:
    from fitcoach.wiring.audit import seals_from
    from fitcoach.wiring.core import event_store_from

    store = await event_store_from(settings)
    try:
        seals = await seals_from(settings)
        try:
            yield store, seals
        finally:
            await seals.close()
    finally:
        await store.close()


@contextmanager
def progress_bar() -> Iterator[Progress]:
    """A progress callback drawing on stderr (events read, share done, events/s, time left)."""
    from projections.console import ProgressBar  # imports psycopg: only for the commands that draw one
    from projections.rebuild import RebuildProgress

    bar = ProgressBar(sys.stderr)
    started = time.monotonic()

    def update(progress: ReadProgress) -> None:
        elapsed = time.monotonic() - started
        bar.update(RebuildProgress(progress.events, progress.reached, progress.end, elapsed))

    try:
        yield update
    finally:
        bar.finish()


def text_table(
    headers: Sequence[str], rows: Sequence[Sequence[str]], *, numeric: Collection[int] = ()
) -> str:
    """Columns padded to their widest cell, two spaces apart; the columns in `numeric` right-aligned,
    the last one left as it is (it is free text)."""
    widths = [max(len(cells[i]) for cells in (headers, *rows)) for i in range(len(headers))]

    def line(cells: Sequence[str]) -> str:
        padded = [
            cell.rjust(width) if index in numeric else cell.ljust(width)
            for index, (cell, width) in enumerate(zip(cells[:-1], widths, strict=False))
        ]
        return "  ".join([*padded, cells[-1]])

    return "\n".join(line(cells) for cells in (headers, *rows))
