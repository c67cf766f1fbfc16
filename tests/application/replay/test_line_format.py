"""The export line: one canonical encoding (sorted keys, no whitespace, UTF-8, UTC microseconds), and a
strict reading that names the line and never drops what it cannot store."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from uuid import UUID

import pytest

from application.eventstore import EventMetadata, RecordedEvent
from application.replay.line_format import MalformedLine, decode_line, encode_line

EVENT_ID = UUID("6f1c1b7e-8a43-4c1e-9d57-0c6a3c1f2e01")
COMMAND_ID = UUID("0b0e6a55-1d7c-4f3a-8e0e-5a4b2c1d0e02")
USER_ID = UUID("2d4f6a8c-0e1f-4a3b-9c5d-7e9f1a2b3c04")


def recorded(**changes: Any) -> RecordedEvent:
    base: dict[str, Any] = {
        "event_id": EVENT_ID,
        "type": "ExerciseAdded",
        "schema_version": 2,
        "data": {"zeta": 1, "alpha": {"ü": "Kniebeuge 🏋️", "b": [1.5, None, True]}, "nul": "a\x00b"},
        "metadata": EventMetadata("user", COMMAND_ID, COMMAND_ID, None, USER_ID),
        "stream": "plan-1",
        "stream_version": 3,
        "position": 42,
        "recorded_at": datetime(2025, 3, 4, 5, 6, 7, 120000, tzinfo=timezone(timedelta(hours=2))),
    }
    return RecordedEvent(**{**base, **changes})


def test_a_line_is_sorted_compact_utf8_json_with_the_time_in_utc_microseconds() -> None:
    line = encode_line(recorded())
    assert line == (
        '{"data":{"alpha":{"b":[1.5,null,true],"ü":"Kniebeuge 🏋️"},"nul":"a\\u0000b","zeta":1},'
        f'"event_id":"{EVENT_ID}",'
        f'"metadata":{{"actor":"user","causation_id":null,"chain_hash":null,"command_id":"{COMMAND_ID}",'
        f'"correlation_id":"{COMMAND_ID}","user_id":"{USER_ID}"}},'
        '"position":42,"recorded_at":"2025-03-04T03:06:07.120000Z","schema_version":2,'
        '"stream":"plan-1","stream_version":3,"type":"ExerciseAdded"}\n'
    )


def test_a_line_read_back_gives_the_event_and_encodes_to_the_same_bytes() -> None:
    line = encode_line(recorded())
    logged = decode_line(line.encode(), 7)
    assert (logged.line, logged.stream, logged.stream_version) == (7, "plan-1", 3)
    event = logged.event
    assert (event.event_id, event.type, event.schema_version) == (EVENT_ID, "ExerciseAdded", 2)
    assert event.data == recorded().data
    assert event.metadata == recorded().metadata
    assert event.recorded_at == recorded().recorded_at
    again = recorded(
        data=event.data, metadata=event.metadata, recorded_at=event.recorded_at or datetime.now(UTC)
    )
    assert encode_line(again) == line


def fields(**changes: Any) -> bytes:
    base = json.loads(encode_line(recorded()))
    base.update(changes)
    return json.dumps({key: value for key, value in base.items() if value is not ...}).encode()


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        (b'{"data":', "not a JSON object (JSONDecodeError"),
        (b"\xff\xfe{}", "invalid UTF-8"),
        (b"[1, 2]", "not a JSON object"),
        (b"", "not a JSON object"),
        (fields(type=...), "missing 'type'"),
        (fields(extra=1), "unknown 'extra'"),
        (fields(stream=""), "'stream' is not a valid stream name"),
        (fields(stream="$all"), "'stream' is not a valid stream name"),
        (fields(stream_version=0), "'stream_version' is not a whole number"),
        (fields(stream_version=True), "'stream_version' is not a whole number"),
        (fields(schema_version="2"), "'schema_version' is not a whole number"),
        (fields(event_id="not-a-uuid"), "'event_id' is not a UUID"),
        (fields(event_id=7), "'event_id' is not a UUID"),
        (fields(type=""), "'type' is not a non-empty string"),
        (fields(data=[1]), "'data' is not a JSON object"),
        (fields(metadata={"actor": "user"}), "'metadata' is not the metadata of an event"),
        (fields(recorded_at="yesterday"), "'recorded_at' is not an ISO 8601 time"),
        (fields(recorded_at="2025-03-04T05:06:07"), "'recorded_at' has no time zone"),
        (fields(data={"ratio": float("nan")}), "NaN is not JSON"),
    ],
)
def test_a_malformed_line_is_refused_with_its_number_and_reason(raw: bytes, reason: str) -> None:
    with pytest.raises(MalformedLine) as refused:
        decode_line(raw, 12)
    assert refused.value.line == 12
    assert str(refused.value).startswith("line 12: ")
    assert reason in str(refused.value)
    assert refused.value.code == "MALFORMED_LINE"


def test_metadata_the_envelope_would_not_store_exactly_is_refused_not_dropped() -> None:
    metadata = json.loads(encode_line(recorded()))["metadata"]
    with pytest.raises(MalformedLine, match="fields signed_by"):
        decode_line(fields(metadata={**metadata, "signed_by": "someone"}), 3)
    with pytest.raises(MalformedLine, match="fields command_id"):
        decode_line(fields(metadata={**metadata, "command_id": str(COMMAND_ID).upper()}), 3)


def test_the_position_is_optional_for_it_is_only_information() -> None:
    assert decode_line(fields(position=...), 1).stream_version == 3


def test_a_metadata_key_left_out_reads_as_null_as_in_files_from_before_that_field() -> None:
    metadata = json.loads(encode_line(recorded()))["metadata"]
    del metadata["causation_id"]
    assert decode_line(fields(metadata=metadata), 4).event.metadata == recorded().metadata
