"""`fitcoach audit history|state|diff|trace`: the auditors' reads of the event log, as tables (or one JSON
object with `--json`): four `AuditCommand`s of `fitcoach.audit_commands` sharing one way to run. Errors
carry their stable code (`application.audit.errors`): the CLI prints it and exits 1.
"""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any
from uuid import UUID

from fitcoach.audit_support import AuditCommand
from fitcoach.settings import Settings

if TYPE_CHECKING:  # the command line parses without loading the domain; a command loads what it runs
    from application.audit.reads import AuditReads
    from application.audit.streams import PointInTime

STATE_KINDS = ("workout", "user", "coaching")


def moment(text: str) -> datetime:
    """An ISO 8601 time; one without a zone is UTC."""
    try:
        value = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not an ISO 8601 time: {text!r}") from None
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def identifier(text: str) -> UUID:
    try:
        return UUID(text.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a UUID: {text!r}") from None


def _history_arguments(history: argparse.ArgumentParser) -> None:
    history.add_argument(
        "stream", help="a stream name, or the id of a workout plan, user or coaching session"
    )
    history.add_argument("--from", dest="from_version", type=int, default=1, help="first version (default 1)")
    history.add_argument("--to", dest="to_version", type=int, help="last version (default the stream's last)")
    _json_argument(history)


def _state_arguments(state: argparse.ArgumentParser) -> None:
    state.add_argument("kind", choices=STATE_KINDS)
    state.add_argument("id", type=identifier, help="the plan's, user's or session's id")
    point = state.add_mutually_exclusive_group(required=True)
    point.add_argument("--version", type=int, help="the stream version to fold up to")
    point.add_argument(
        "--at", type=moment, help="an ISO 8601 time (UTC without a zone): the events recorded by then"
    )
    _json_argument(state)


def _diff_arguments(diff: argparse.ArgumentParser) -> None:
    diff.add_argument("kind", choices=("workout",))
    diff.add_argument("id", type=identifier, help="the plan's id")
    diff.add_argument(
        "--from", dest="from_version", type=int, required=True, help="the earlier stream version"
    )
    diff.add_argument("--to", dest="to_version", type=int, required=True, help="the later stream version")
    _json_argument(diff)


def _trace_arguments(trace: argparse.ArgumentParser) -> None:
    trace.add_argument("correlation_id", type=identifier)
    _json_argument(trace)


def _json_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of tables")


async def _run_read(settings: Settings, args: argparse.Namespace) -> int:
    from fitcoach.wiring.core import audit_reads_for, opened_store_from

    store = await opened_store_from(settings)
    try:
        text, document = await _answer(audit_reads_for(store), args)
    finally:
        await store.close()
    print(json.dumps(document) if args.json else text)
    return 0


HISTORY = AuditCommand(
    "history", "every event of a stream, with its metadata and a summary", _history_arguments, _run_read
)
STATE = AuditCommand(
    "state", "an aggregate as it was at a stream version or a time", _state_arguments, _run_read
)
DIFF = AuditCommand(
    "diff", "what changed in a workout plan between two versions, and who did it", _diff_arguments, _run_read
)
TRACE = AuditCommand(
    "trace", "every event of one request, across all streams, in log order", _trace_arguments, _run_read
)


async def _answer(reads: AuditReads, args: argparse.Namespace) -> tuple[str, dict[str, Any]]:
    """The human text and the JSON document of the command's answer."""
    from application.audit.streams import PointInTime
    from fitcoach import audit_json, audit_text

    match args.audit_command:
        case "history":
            found = await reads.histories.history(
                args.stream, from_version=args.from_version, to_version=args.to_version
            )
            return (
                audit_text.history_text(found.stream, found.version, found.records),
                audit_json.history_json(found.stream, found.version, found.records),
            )
        case "state":
            return await _state(reads, args.kind, args.id, PointInTime.of(args.version, args.at))
        case "diff":
            changes = await reads.plan_diffs.changes(args.id, args.from_version, args.to_version)
            return audit_text.diff_text(changes), audit_json.diff_json(changes)
        case _:
            records = await reads.trace.events(args.correlation_id)
            return (
                audit_text.trace_text(args.correlation_id, records),
                audit_json.trace_json(str(args.correlation_id), records),
            )


async def _state(
    reads: AuditReads, kind: str, raw_id: UUID, point: PointInTime
) -> tuple[str, dict[str, Any]]:
    from fitcoach import audit_json, audit_text

    travel = reads.time_travel
    if kind == "workout":
        plan = await travel.plan_at(raw_id, point)
        return audit_text.plan_text(plan), audit_json.plan_json(plan)
    if kind == "user":
        user = await travel.user_at(raw_id, point)
        return audit_text.user_text(raw_id, user), audit_json.user_json(user)
    session = await travel.session_at(raw_id, point)
    return audit_text.session_text(session), audit_json.session_json(session)
