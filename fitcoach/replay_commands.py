"""`fitcoach replay export` and `fitcoach replay import FILE --to postgres|kurrentdb` (docs/replay.md).

Export lines go to stdout, and nothing else does: progress and the summary go to stderr.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import BinaryIO, Literal

from application.eventstore import EventStore
from application.replay.export import LogExport
from application.replay.importer import ImportReport, LogImport, count_lines
from fitcoach.library_commands import CountBar
from fitcoach.settings import Settings

Store = Literal["postgres", "kurrentdb"]
STORES: tuple[Store, ...] = ("postgres", "kurrentdb")


def add_replay_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    replay = commands.add_parser("replay", help="move the event log between stores through a JSON-lines file")
    actions = replay.add_subparsers(dest="replay_action", required=True)
    export = actions.add_parser(
        "export", help="write every event (or one stream's) to stdout, one canonical JSON object a line"
    )
    export.add_argument("--stream", help="only this stream, e.g. workout-<plan id>")
    export.add_argument(
        "--from",
        dest="source",
        choices=STORES,
        help="the store to read (default: the configured event store, FITCOACH_EVENT_STORE)",
    )
    importing = actions.add_parser(
        "import", help="append an export file's events to a store (idempotent: a re-run appends nothing)"
    )
    importing.add_argument("file", type=Path, help="a file written by `fitcoach replay export`")
    importing.add_argument(
        "--to", dest="target", choices=STORES, required=True, help="the store to append to"
    )
    importing.add_argument("--json", action="store_true", help="print the summary as one JSON object")


async def run_replay(settings: Settings, args: argparse.Namespace) -> int:
    if args.replay_action == "export":
        return await export_log(settings, args.source, args.stream, sys.stdout.buffer)
    return await import_log(settings, args.file, args.target, as_json=args.json)


async def export_log(settings: Settings, source: Store | None, stream: str | None, out: BinaryIO) -> int:
    kind = source or settings.chosen_event_store
    store = await _store(settings, kind)
    export = LogExport(store, stream=stream)
    # PostgreSQL's positions are dense, so they count events; KurrentDB's commit positions do not.
    unit = "events" if stream is not None or kind == "postgres" else "positions"
    bar = CountBar(sys.stderr, "exporting", unit=unit)
    try:
        async for chunk in export.chunks(progress=bar.update):
            out.write(chunk.encode())
        out.flush()
    finally:
        bar.finish()
        await store.close()
    print(f"exported {export.exported:,} events", file=sys.stderr)
    return 0


async def import_log(settings: Settings, path: Path, target: Store, *, as_json: bool) -> int:
    """Reads `path` twice: every line is checked before the first append, so a malformed file is refused
    whole; then the lines are appended. Raises MalformedLine, ImportConflict (the CLI prints the code)."""
    _check_configured(settings, target)
    try:
        with path.open("rb") as lines:
            total = count_lines(lines)
    except OSError as error:
        raise UnreadableFile(f"cannot read {path}: {error.strerror or type(error).__name__}") from None
    if target == "postgres":
        from fitcoach.wiring.core import migrate_all

        await migrate_all(settings.resolved_database_url)  # the schemas only: no shipped library to collide
    store = await _store(settings, target)
    bar = CountBar(sys.stderr, "importing", unit="lines")
    try:
        with path.open("rb") as lines:
            report = await LogImport(store).run(lines, total=total, progress=bar.update)
    finally:
        bar.finish()
        await store.close()
    print(json.dumps(report.to_json()) if as_json else report_text(report))
    return 0


def report_text(report: ImportReport) -> str:
    return (
        f"{report.lines:,} lines: appended {report.appended:,}, already present {report.already_present:,}, "
        f"streams {report.streams:,}"
    )


class StoreNotConfigured(Exception):
    code = "STORE_NOT_CONFIGURED"


class UnreadableFile(Exception):
    code = "UNREADABLE_FILE"


def _check_configured(settings: Settings, kind: str) -> None:
    if kind == "memory":
        raise StoreNotConfigured("the in-memory event store lives in one process: it has no log to move")
    if kind == "kurrentdb" and not settings.kurrentdb_url:
        raise StoreNotConfigured("KurrentDB needs FITCOACH_KURRENTDB_URL")


async def _store(settings: Settings, kind: str) -> EventStore:
    from fitcoach.wiring.core import event_store_from

    _check_configured(settings, kind)
    return await event_store_from(settings.model_copy(update={"event_store": kind}))
