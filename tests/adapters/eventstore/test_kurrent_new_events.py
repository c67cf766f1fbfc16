"""The KurrentDB adapter turns our events into `kurrentdbclient.NewEvent`s, refusing what KurrentDB could not
store faithfully; checked without a server."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from uuid import uuid4

import pytest

from adapters.kurrentdb.mapping import to_kurrent_event
from application.eventstore import EventMetadata, EventStoreError, NewEvent
from tests.adapters.eventstore.kurrent_events import full_metadata, new_event


def test_a_new_event_keeps_its_id_type_and_json_content_type():
    event = new_event()
    sent = to_kurrent_event(event)
    assert sent.id == event.event_id
    assert sent.type == "ExerciseAdded"
    assert sent.content_type == "application/json"
    assert json.loads(sent.data) == event.data


def test_the_metadata_carries_the_envelope_metadata_and_the_schema_version():
    event = new_event(full_metadata())
    sent_metadata = json.loads(to_kurrent_event(event).metadata)
    assert sent_metadata == {**event.metadata.to_dict(), "schema_version": 2}


@pytest.mark.parametrize("bad_data", [{"when": datetime.now(UTC)}, {"ratio": float("nan")}, {"id": uuid4()}])
def test_data_that_is_not_strict_json_is_refused_before_anything_is_sent(bad_data):
    with pytest.raises(EventStoreError, match="not JSON-serializable"):
        to_kurrent_event(new_event(**bad_data))


@pytest.mark.parametrize("reserved", ["", "$metadata", "$>"])
def test_event_types_kurrentdb_reserves_are_refused(reserved):
    event = NewEvent(uuid4(), reserved, 1, {}, EventMetadata("USER", uuid4(), uuid4()))
    with pytest.raises(EventStoreError, match="reserved"):
        to_kurrent_event(event)
