"""The canonical encoding of a chain link and the chaining of new events (pure)."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from typing import Any
from uuid import UUID

import pytest
from hypothesis import given as for_all
from hypothesis import strategies as st

from application.eventstore import EventMetadata, NewEvent
from application.integrity.chain import UnchainableEvent, canonical_link, chain_events, link_hash

EVENT_ID = UUID("6f1c0b52-4d0c-4c7e-9d47-1f3a5e2b7c90")
COMMAND_ID = UUID("0a8d4c36-0b0e-4bfb-a0d5-2b4c7a9e1f11")
METADATA = EventMetadata("user", COMMAND_ID, COMMAND_ID)


def event(
    data: dict[str, Any] | None = None, metadata: EventMetadata = METADATA, event_id: UUID = EVENT_ID
) -> NewEvent:
    return NewEvent(event_id, "ExerciseAdded", 2, {"sets": 3} if data is None else data, metadata)


def test_the_encoding_is_the_documented_json_with_sorted_keys_and_no_whitespace() -> None:
    data = {"weight_kg": 82.5, "name": "Kniebeuge \u201ctief\u201d\n", "reps": [5, 5], "extra": None}

    encoded = canonical_link("ab" * 32, event(data))

    assert encoded == (
        b'{"data":{"extra":null,"name":"Kniebeuge \xe2\x80\x9ctief\xe2\x80\x9d\\n",'
        b'"reps":[5,5],"weight_kg":82.5},'
        b'"event_id":"6f1c0b52-4d0c-4c7e-9d47-1f3a5e2b7c90",'
        b'"metadata":{"actor":"user","command_id":"0a8d4c36-0b0e-4bfb-a0d5-2b4c7a9e1f11",'
        b'"correlation_id":"0a8d4c36-0b0e-4bfb-a0d5-2b4c7a9e1f11"},'
        b'"previous":"' + b"ab" * 32 + b'","schema_version":2,"type":"ExerciseAdded"}'
    )
    assert link_hash("ab" * 32, event(data)) == hashlib.sha256(encoded).hexdigest()


def test_a_stream_start_links_to_null_and_the_hash_itself_is_not_covered() -> None:
    hashed = replace(METADATA, chain_hash="cd" * 32)

    assert b'"previous":null' in canonical_link(None, event())
    assert canonical_link(None, event(metadata=hashed)) == canonical_link(None, event())


TEXT = st.text(st.characters(codec="utf-8"), max_size=5)  # lone surrogates have no UTF-8
JSON_VALUES = st.integers(-(2**63), 2**64 - 1) | st.floats(allow_nan=False, allow_infinity=False) | TEXT


@for_all(st.dictionaries(TEXT, JSON_VALUES, max_size=6))
def test_key_order_does_not_change_the_encoding(data: dict[str, Any]) -> None:
    reversed_order = dict(reversed(list(data.items())))
    assert canonical_link(None, event(data)) == canonical_link(None, event(reversed_order))


@pytest.mark.parametrize(
    "changed",
    [
        pytest.param(lambda e: replace(e, data={"sets": 4}), id="data"),
        pytest.param(lambda e: replace(e, type="ExerciseRemoved"), id="type"),
        pytest.param(lambda e: replace(e, schema_version=3), id="schema version"),
        pytest.param(lambda e: replace(e, event_id=COMMAND_ID), id="event id"),
        pytest.param(lambda e: replace(e, metadata=replace(METADATA, actor="ai_coach")), id="actor"),
        pytest.param(lambda e: replace(e, metadata=replace(METADATA, user_id=COMMAND_ID)), id="user id"),
        pytest.param(lambda e: replace(e, metadata=replace(METADATA, causation_id=EVENT_ID)), id="causation"),
    ],
)
def test_every_covered_field_changes_the_hash(changed: Any) -> None:
    original = chain_events(None, [event()])[0]
    edited = chain_events(None, [changed(event())])[0]
    assert original.metadata.chain_hash != edited.metadata.chain_hash


def test_chained_events_link_each_to_the_one_before() -> None:
    first, second = (event(data={"index": i}, event_id=UUID(int=i + 1)) for i in range(2))

    chained = chain_events("ef" * 32, [first, second])

    one, two = (e.metadata.chain_hash for e in chained)
    assert one == link_hash("ef" * 32, first)
    assert two == link_hash(one, second)
    assert [replace(e, metadata=METADATA) for e in chained] == [first, second]


def test_data_without_a_canonical_encoding_is_refused() -> None:
    with pytest.raises(UnchainableEvent):
        chain_events(None, [event(data={"too_big": 2**70})])
