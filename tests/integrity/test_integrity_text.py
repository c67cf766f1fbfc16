"""The human table of `fitcoach audit integrity` (pure)."""

from __future__ import annotations

from application.integrity.audit import IntegrityReport
from application.integrity.walk import Break, Problem, StreamReport
from fitcoach.audit_integrity import UNCHAINED_ROWS, integrity_text


def unchained(index: int) -> StreamReport:
    return StreamReport(f"user-{index:03}", 2, 2, 2, None, None, None)


def test_broken_streams_come_first_unchained_ones_are_capped_and_ok_ones_only_counted() -> None:
    broken = StreamReport("workout-b", 5, 5, 0, 1, 5, Break(3, 41, Problem.DATA_EDITED, "mismatch"))
    ok = StreamReport("workout-a", 4, 4, 0, 1, None, None)
    report = IntegrityReport((ok, broken, *(unchained(index) for index in range(UNCHAINED_ROWS + 2))))

    header, *rows, more, summary = integrity_text(report).splitlines()

    assert header.split() == [
        "STREAM",
        "STATUS",
        "EVENTS",
        "UNCHAINED",
        "SEALED",
        "FIRST",
        "BAD",
        "POSITION",
        "REASON",
    ]
    assert rows[0].split() == ["workout-b", "broken", "5", "0", "5", "3", "41", "data", "edited:", "mismatch"]
    assert len(rows) == 1 + UNCHAINED_ROWS
    assert all(row.split()[1] == "unchained" for row in rows[1:])
    assert more == "... and 2 more unchained streams (--json lists all)"
    legacy = UNCHAINED_ROWS + 2
    assert summary == (
        f"{legacy + 2} streams, {9 + 2 * legacy} events: 1 ok, {legacy} unchained "
        f"({2 * legacy} events from before the chain), 1 broken"
    )


def test_one_stream_is_shown_even_when_ok() -> None:
    report = IntegrityReport((StreamReport("workout-a", 1, 1, 0, 1, None, None),))

    _, row, summary = integrity_text(report, every_row=True).splitlines()

    assert row.split()[:2] == ["workout-a", "ok"]
    assert summary == "1 stream, 1 event: 1 ok, 0 unchained (0 events from before the chain), 0 broken"
