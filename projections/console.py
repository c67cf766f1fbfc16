"""What the projection commands print: the status table and the rebuild's progress bar (on stderr)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from typing import TextIO

from projections.replay_loop import RebuildProgress
from projections.status import ProjectionStatus

_HEADERS = ("NAME", "CHECKPOINT", "LAG EVENTS", "LAG SECONDS", "STATE", "ERROR")


def status_table(statuses: Sequence[ProjectionStatus]) -> str:
    rows = [
        (
            status.name,
            str(status.checkpoint),
            str(status.lag_events),
            f"{status.lag_seconds:.1f}",
            status.state,
            status.error or "-",
        )
        for status in statuses
    ]
    widths = [max(len(cells[i]) for cells in (_HEADERS, *rows)) for i in range(len(_HEADERS) - 1)]

    def line(cells: Sequence[str]) -> str:
        return "  ".join(
            [*(cell.ljust(width) for cell, width in zip(cells, widths, strict=False)), cells[-1]]
        )

    return "\n".join(line(cells) for cells in (_HEADERS, *rows))


class ProgressBar:
    """Redraws one line on a terminal (at most ten times a second); elsewhere prints a line every 5 s."""

    WIDTH = 30

    def __init__(self, out: TextIO) -> None:
        self._out = out
        self._tty = out.isatty()
        self._interval = 0.1 if self._tty else 5.0
        self._last_draw = 0.0
        self._last: RebuildProgress | None = None

    def update(self, progress: RebuildProgress) -> None:
        self._last = progress
        now = time.monotonic()
        if now - self._last_draw >= self._interval:
            self._last_draw = now
            self._draw(progress)

    def finish(self) -> None:
        if self._last is not None:
            self._draw(self._last)
        if self._tty:
            self._out.write("\n")
        self._out.flush()

    def _draw(self, progress: RebuildProgress) -> None:
        share = min(progress.position / progress.head, 1.0) if progress.head else 1.0
        filled = round(share * self.WIDTH)
        eta = progress.eta_seconds
        text = (
            f"[{'#' * filled}{'.' * (self.WIDTH - filled)}] {share:6.1%}  "
            f"{progress.events:,}/{progress.head:,} events  {progress.events_per_second:,.0f} events/s  "
            f"ETA {'?' if eta is None else f'{eta:,.0f} s'}"
        )
        self._out.write(f"\r{text}\x1b[K" if self._tty else f"{text}\n")
        self._out.flush()
