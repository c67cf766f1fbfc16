"""`fitcoach audit pii [--json]`: the streams that still hold personal data in plain text, which erasure
cannot reach (`application.privacy.pii_scan`; see docs/privacy.md).

A report: it exits 0 whatever it finds, 1 only when the store fails. The table lists each such stream
(at most `PLAIN_ROWS`; `--json` lists all), then a summary line.
"""

from __future__ import annotations

import argparse
import json
import time

from application.privacy.pii_scan import PlainDataReport, PlainDataScan, PlainStream
from fitcoach.audit_support import AuditCommand, progress_bar, text_table
from fitcoach.settings import Settings

PLAIN_ROWS = 200
_HEADERS = ("STREAM", "PLAIN EVENTS", "FIRST VERSION", "FIRST POSITION", "LAST VERSION", "LAST POSITION",
            "EVENT TYPES")  # fmt: skip
_NUMERIC = frozenset({1, 2, 3, 4, 5})


def _pii_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print the report as one JSON object")


async def _pii(settings: Settings, args: argparse.Namespace) -> int:
    from fitcoach.wiring.core import event_store_from

    # The log as written: through the data keys, a sealed field would read as plain text.
    store = await event_store_from(settings)
    try:
        started = time.monotonic()
        with progress_bar() as progress:
            report = await PlainDataScan(store).log(progress=progress)
        seconds = time.monotonic() - started
    finally:
        await store.close()
    if args.json:
        print(json.dumps({**report.to_json(), "seconds": round(seconds, 3)}))
    else:
        print(pii_text(report))
    return 0


def pii_text(report: PlainDataReport) -> str:
    listed = report.streams[:PLAIN_ROWS]
    lines = [text_table(_HEADERS, [_row(stream) for stream in listed], numeric=_NUMERIC)] if listed else []
    if len(report.streams) > PLAIN_ROWS:
        lines.append(f"... and {len(report.streams) - PLAIN_ROWS:,} more streams (--json lists all)")
    lines.append(
        f"{_count(report.streams_scanned, 'stream')}, {_count(report.events_scanned, 'event')} scanned: "
        f"{_count(report.plain_events, 'event')} in {_count(len(report.streams), 'stream')} hold plain "
        "personal data"
    )
    return "\n".join(lines)


def _row(stream: PlainStream) -> tuple[str, ...]:
    types = ", ".join(f"{name} ({count})" for name, count in sorted(stream.event_types.items()))
    return (
        stream.stream,
        str(stream.events),
        str(stream.first_version),
        str(stream.first_position),
        str(stream.last_version),
        str(stream.last_position),
        types,
    )


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


PII = AuditCommand(
    "pii",
    "list the streams whose events still hold personal data in plain text (written before sealing"
    " existed, or with no one to seal it for): erasure cannot reach them",
    _pii_arguments,
    _pii,
)
