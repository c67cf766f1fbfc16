"""`fitcoach audit integrity [STREAM] [--json]` and `fitcoach audit seal [--json]` (see docs/audit.md).

`integrity` exits with 1 when a stream is broken, 0 otherwise: streams from before the chain are listed
as unchained, not broken. The table lists the streams that are not fully chained and intact (at most
`UNCHAINED_ROWS` unchained ones; `--json` lists every stream), then a summary line.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import UTC, datetime

from application.integrity.audit import IntegrityAudit, IntegrityReport
from application.integrity.seals import seal_heads
from application.integrity.walk import Status, StreamReport
from fitcoach.audit_support import AuditCommand, progress_bar, store_and_seals, text_table
from fitcoach.settings import Settings

UNCHAINED_ROWS = 50
_HEADERS = ("STREAM", "STATUS", "EVENTS", "UNCHAINED", "SEALED", "FIRST BAD", "POSITION", "REASON")
_NUMERIC = frozenset({2, 3, 4, 5, 6})


def _integrity_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("stream", nargs="?", help="check only this stream (default: every stream in the log)")
    parser.add_argument("--json", action="store_true", help="print the report as one JSON object")


async def _integrity(settings: Settings, args: argparse.Namespace) -> int:
    async with store_and_seals(settings) as (store, seals):
        audit = IntegrityAudit(store, seals)
        started = time.monotonic()
        with progress_bar() as progress:
            if args.stream is None:
                report = await audit.log(progress=progress)
            else:
                report = await audit.stream(args.stream, progress=progress)
        seconds = time.monotonic() - started
    if args.stream is not None and not _exists(report.streams[0]):
        print(
            f"fitcoach: error [UNKNOWN_STREAM]: no event and no seal in stream {args.stream!r}",
            file=sys.stderr,
        )
        return 2
    if args.json:
        print(json.dumps({**report.to_json(), "seconds": round(seconds, 3)}))
    else:
        print(integrity_text(report, every_row=args.stream is not None))
    return 1 if report.broken else 0


def _exists(report: StreamReport) -> bool:
    return report.events > 0 or report.sealed_version is not None


def integrity_text(report: IntegrityReport, *, every_row: bool = False) -> str:
    """The table of streams that are broken (first) or unchained, or of every stream with `every_row`,
    then a summary line."""
    broken = [stream for stream in report.streams if stream.status is Status.BROKEN]
    unchained = [stream for stream in report.streams if stream.status is Status.UNCHAINED]
    listed = list(report.streams) if every_row else broken + unchained[:UNCHAINED_ROWS]
    lines = [text_table(_HEADERS, [_row(stream) for stream in listed], numeric=_NUMERIC)] if listed else []
    if not every_row and len(unchained) > UNCHAINED_ROWS:
        lines.append(f"... and {len(unchained) - UNCHAINED_ROWS:,} more unchained streams (--json lists all)")
    counts = report.counts()
    unchained_events = sum(stream.unchained for stream in report.streams)
    lines.append(
        f"{_count(len(report.streams), 'stream')}, {_count(report.events, 'event')}: {counts['ok']:,} ok, "
        f"{counts['unchained']:,} unchained ({_count(unchained_events, 'event')} from before the chain), "
        f"{counts['broken']:,} broken"
    )
    return "\n".join(lines)


def _count(number: int, noun: str) -> str:
    return f"{number:,} {noun}{'' if number == 1 else 's'}"


def _row(stream: StreamReport) -> tuple[str, ...]:
    found = stream.first_break
    sealed = "-" if stream.sealed_version is None else str(stream.sealed_version)
    if found is not None:
        position = "-" if found.position is None else str(found.position)
        where, reason = (str(found.version), position), f"{found.problem.value}: {found.detail}"
    else:
        where, reason = ("-", "-"), _unchained_reason(stream)
    return (
        stream.stream,
        stream.status.value,
        str(stream.events),
        str(stream.unchained),
        sealed,
        *where,
        reason,
    )


def _unchained_reason(stream: StreamReport) -> str:
    if not stream.unchained:
        return "-"
    if stream.chained_from is None:
        return "no event chained: all from before the chain"
    return f"versions up to {stream.chained_from - 1} from before the chain"


def _seal_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print what was sealed as one JSON object")


async def _seal(settings: Settings, args: argparse.Namespace) -> int:
    async with store_and_seals(settings) as (store, seals):
        with progress_bar() as progress:
            report = await seal_heads(store, seals, datetime.now(UTC), progress=progress)
    sealed_at = report.sealed_at.isoformat(timespec="seconds")
    if args.json:
        print(json.dumps({"streams": report.streams, "added": report.added, "sealed_at": sealed_at}))
    else:
        print(f"sealed the heads of {report.streams:,} streams at {sealed_at} ({report.added:,} new seals)")
    return 0


INTEGRITY = AuditCommand(
    "integrity",
    "recompute the hash chain of every stream (or one) and check the seals; exits 1 if a stream is broken",
    _integrity_arguments,
    _integrity,
)
SEAL = AuditCommand(
    "seal",
    "record the head (version and chain hash) of every stream, so a truncated tail is found later",
    _seal_arguments,
    _seal,
)
