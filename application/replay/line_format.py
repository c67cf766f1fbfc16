"""One event per line, in a canonical encoding: exporting the same log twice gives the same bytes.

A line is a JSON object with the keys `data`, `event_id`, `metadata`, `position`, `recorded_at`,
`schema_version`, `stream`, `stream_version` and `type`, encoded with sorted keys at every level, no
whitespace, UTF-8 (no `\\u` escapes but for control characters), no NaN or infinity, and ends with `\\n`.
`recorded_at` is UTC with microseconds (`2025-03-04T05:06:07.123456Z`); `metadata` is the envelope's
`EventMetadata.to_dict()`. `position` is the event's place in the log it came from, for information only:
an import never reads it and may give the event another one.

Reading a line is strict: a missing or unknown key, a value of the wrong type, or metadata that the
envelope would not store exactly as written is refused (`MalformedLine`), never silently dropped (a
metadata key left out reads as null, so files from before a metadata field existed still import).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from uuid import UUID

from application.eventstore import (
    EventMetadata,
    EventStoreError,
    NewEvent,
    RecordedEvent,
    check_stream_name,
)

_REQUIRED_KEYS = frozenset(
    {"data", "event_id", "metadata", "recorded_at", "schema_version", "stream", "stream_version", "type"}
)
_KEYS = _REQUIRED_KEYS | {"position"}
_canonical = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
).encode


class ReplayError(Exception):
    code = "REPLAY_ERROR"


class LineRefused(ReplayError):
    """Something about one line of the file; the message starts with its number."""

    def __init__(self, line: int, reason: str) -> None:
        super().__init__(f"line {line}: {reason}")
        self.line = line


class MalformedLine(LineRefused):
    code = "MALFORMED_LINE"


class ImportConflict(LineRefused):
    """The target holds something else where a line's event belongs, or refused to store it."""

    code = "IMPORT_CONFLICT"


@dataclass(frozen=True, slots=True)
class LoggedEvent:
    """One line of an export file: the event as it is appended again, and where it goes."""

    line: int
    stream: str
    stream_version: int
    event: NewEvent


def canonical_json(value: Any) -> str:
    return _canonical(value)


def format_time(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="microseconds") + "Z"


def encode_line(event: RecordedEvent) -> str:
    return (
        canonical_json(
            {
                "data": event.data,
                "event_id": str(event.event_id),
                "metadata": event.metadata.to_dict(),
                "position": event.position,
                "recorded_at": format_time(event.recorded_at),
                "schema_version": event.schema_version,
                "stream": event.stream,
                "stream_version": event.stream_version,
                "type": event.type,
            }
        )
        + "\n"
    )


def decode_line(raw: bytes | str, line: int) -> LoggedEvent:
    """The event on `raw` (the line's text, with or without its newline); raises MalformedLine."""
    try:
        # Decoded here, not by json.loads: it would take bytes starting with a BOM for UTF-16 or UTF-32.
        text = raw.decode() if isinstance(raw, bytes) else raw
        fields = json.loads(text, parse_constant=_refuse_constant)
    except ValueError as error:  # JSONDecodeError and UnicodeDecodeError; neither quotes the line
        raise MalformedLine(
            line, f"not a JSON object ({type(error).__name__}: {_position_of(error)})"
        ) from None
    if not isinstance(fields, dict):
        raise MalformedLine(line, "not a JSON object")
    missing, unknown = _REQUIRED_KEYS - fields.keys(), fields.keys() - _KEYS
    if missing or unknown:
        names = [f"missing {key!r}" for key in sorted(missing)] + [
            f"unknown {key!r}" for key in sorted(unknown)
        ]
        raise MalformedLine(line, ", ".join(names))
    return LoggedEvent(
        line=line,
        stream=_stream(fields["stream"], line),
        stream_version=_counting_number(fields, "stream_version", line),
        event=NewEvent(
            event_id=_uuid(fields["event_id"], line),
            type=_event_type(fields["type"], line),
            schema_version=_counting_number(fields, "schema_version", line),
            data=_object(fields, "data", line),
            metadata=_metadata(_object(fields, "metadata", line), line),
            recorded_at=_time(fields["recorded_at"], line),
        ),
    )


def _refuse_constant(name: str) -> Any:
    raise ValueError(f"{name} is not JSON")


def _position_of(error: ValueError) -> str:
    if isinstance(error, json.JSONDecodeError):
        return f"{error.msg} at column {error.colno}"
    if isinstance(error, UnicodeDecodeError):
        return f"invalid UTF-8 at byte {error.start}"
    return str(error)  # only from _refuse_constant


def _stream(value: Any, line: int) -> str:
    if not isinstance(value, str):
        raise MalformedLine(line, "'stream' is not a string")
    try:
        check_stream_name(value)
    except EventStoreError:
        raise MalformedLine(line, "'stream' is not a valid stream name") from None
    return value


def _counting_number(fields: dict[str, Any], key: str, line: int) -> int:
    value = fields[key]
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise MalformedLine(line, f"{key!r} is not a whole number of 1 or more")
    return value


def _uuid(value: Any, line: int) -> UUID:
    try:
        return UUID(value)
    except (TypeError, ValueError, AttributeError):
        raise MalformedLine(line, "'event_id' is not a UUID") from None


def _event_type(value: Any, line: int) -> str:
    if not isinstance(value, str) or not value:
        raise MalformedLine(line, "'type' is not a non-empty string")
    return value


def _object(fields: dict[str, Any], key: str, line: int) -> dict[str, Any]:
    value = fields[key]
    if not isinstance(value, dict):
        raise MalformedLine(line, f"{key!r} is not a JSON object")
    return value


def _metadata(raw: dict[str, Any], line: int) -> EventMetadata:
    try:
        metadata = EventMetadata.from_dict(raw)
    except (KeyError, TypeError, ValueError, AttributeError):
        raise MalformedLine(line, "'metadata' is not the metadata of an event") from None
    stored = metadata.to_dict()
    # A key left out reads as null: files written before a metadata field existed still import.
    changed = sorted(key for key in stored.keys() | raw.keys() if stored.get(key) != raw.get(key))
    if changed or not raw.keys() <= stored.keys():
        unknown = sorted(raw.keys() - stored.keys())
        raise MalformedLine(
            line, f"'metadata' would not be stored as written (fields {', '.join(changed or unknown)})"
        )
    return metadata


def _time(value: Any, line: int) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise MalformedLine(line, "'recorded_at' is not an ISO 8601 time") from None
    if moment.utcoffset() is None:
        raise MalformedLine(line, "'recorded_at' has no time zone")
    return moment
