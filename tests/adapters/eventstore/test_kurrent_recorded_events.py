"""The KurrentDB adapter reads every envelope field back from real `kurrentdbclient.RecordedEvent`s, reports
events that are not ours instead of guessing, and tells system events apart; checked without a server."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime
from uuid import uuid4

import pytest

from adapters.kurrentdb.mapping import (
    MISSING_TIMESTAMP,
    ORIGINAL_RECORDED_AT_KEY,
    UnreadableEvent,
    from_kurrent_event,
    is_system_event,
    to_kurrent_event,
)
from application.eventstore import EventMetadata, NewEvent
from tests.adapters.eventstore.kurrent_events import (
    RECORDED_AT,
    full_metadata,
    new_event,
    raw_recorded,
    recorded_from,
)

# --- kurrentdbclient.RecordedEvent -> our RecordedEvent ---


@pytest.mark.parametrize("metadata", [full_metadata(), EventMetadata("USER", uuid4(), uuid4())])
def test_a_recorded_event_maps_every_envelope_field(metadata):
    event = new_event(metadata)
    recorded = from_kurrent_event(
        recorded_from(to_kurrent_event(event), stream="plan-7", stream_position=4, commit_position=987654)
    )
    assert recorded.event_id == event.event_id
    assert recorded.type == event.type
    assert recorded.schema_version == event.schema_version
    assert recorded.data == event.data
    assert recorded.metadata == event.metadata
    assert recorded.stream == "plan-7"
    assert recorded.stream_version == 5
    assert recorded.position == 987654
    assert recorded.recorded_at == RECORDED_AT


@pytest.mark.parametrize("schema_version", [1, 3, 17])
def test_the_schema_version_survives_the_round_trip(schema_version):
    event = NewEvent(uuid4(), "WorkoutPlanCreated", schema_version, {"a": [1, 2]}, full_metadata())
    assert from_kurrent_event(recorded_from(to_kurrent_event(event))).schema_version == schema_version


def test_the_first_event_of_a_stream_has_version_one():
    recorded = from_kurrent_event(recorded_from(to_kurrent_event(new_event()), stream_position=0))
    assert recorded.stream_version == 1


def test_a_recorded_event_without_a_creation_time_gets_the_documented_stand_in():
    recorded = from_kurrent_event(recorded_from(to_kurrent_event(new_event()), recorded_at=None))
    assert recorded.recorded_at == MISSING_TIMESTAMP


def envelope_metadata(**overrides: object) -> bytes:
    base: dict[str, object] = {**EventMetadata("USER", uuid4(), uuid4()).to_dict(), "schema_version": 1}
    base.update(overrides)
    return json.dumps({k: v for k, v in base.items() if v is not ...}).encode()


@pytest.mark.parametrize(
    ("data", "metadata"),
    [
        (b"not json", envelope_metadata()),
        (b"[1, 2]", envelope_metadata()),
        (b"{}", b""),
        (b"{}", envelope_metadata(schema_version=...)),
        (b"{}", envelope_metadata(command_id=...)),
        (b"{}", envelope_metadata(correlation_id="not-a-uuid")),
    ],
    ids=["data-not-json", "data-not-object", "no-metadata", "no-schema-version", "no-command-id", "bad-uuid"],
)
def test_an_event_that_is_not_a_fitcoach_envelope_is_reported_not_guessed(data, metadata):
    with pytest.raises(UnreadableEvent, match="plan-1") as raised:
        from_kurrent_event(raw_recorded(data=data, metadata=metadata))
    assert raised.value.code == "UNREADABLE_EVENT"


# --- system events ---


@pytest.mark.parametrize(
    ("type", "stream", "system"),
    [
        ("ExerciseAdded", "plan-1", False),
        ("$metadata", "$$plan-1", True),
        ("$>", "$ce-plan", True),
        ("$statsCollected", "$stats-127.0.0.1:2113", True),
        ("PersistentConfig1", "$persistentSubscriptionConfig", True),
        ("Result", "$projections-x-result", True),
        ("Result", "plan-1", False),
    ],
)
def test_system_events_are_told_apart_by_type_or_stream(type, stream, system):
    assert is_system_event(raw_recorded(type=type, stream=stream)) is system


# --- recorded times of events moved from another log ---


def test_an_original_recorded_time_travels_in_the_metadata_and_reads_back_as_the_recorded_time():
    original = datetime(2021, 6, 7, 8, 9, 10, 654321, tzinfo=UTC)
    sent = to_kurrent_event(replace(new_event(full_metadata()), recorded_at=original))
    assert json.loads(sent.metadata)[ORIGINAL_RECORDED_AT_KEY] == "2021-06-07T08:09:10.654321+00:00"
    recorded = from_kurrent_event(recorded_from(sent))
    assert recorded.recorded_at == original
    assert ORIGINAL_RECORDED_AT_KEY not in recorded.metadata.to_dict()


def test_without_an_original_time_the_metadata_has_none_and_kurrentdbs_time_is_used():
    sent = to_kurrent_event(new_event())
    assert ORIGINAL_RECORDED_AT_KEY not in json.loads(sent.metadata)
    assert from_kurrent_event(recorded_from(sent)).recorded_at == RECORDED_AT


@pytest.mark.parametrize("stamp", [12, "yesterday", "2021-06-07T08:09:10"], ids=["number", "text", "no-zone"])
def test_an_unreadable_original_time_is_reported(stamp):
    with pytest.raises(UnreadableEvent, match="plan-1"):
        from_kurrent_event(raw_recorded(metadata=envelope_metadata(original_recorded_at=stamp)))
