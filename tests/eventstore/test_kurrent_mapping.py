"""The KurrentDB adapter's translations, checked without a server on real kurrentdbclient objects."""

from __future__ import annotations

import json
import socket
from datetime import UTC, datetime
from uuid import uuid4

import kurrentdbclient
import pytest
from kurrentdbclient import exceptions as kurrent_errors

from adapters.kurrent_mapping import (
    CONTENT_TYPE,
    MISSING_TIMESTAMP,
    RESUBSCRIBE_FIRST_DELAY,
    RESUBSCRIBE_MAX_DELAY,
    UnreadableEvent,
    actual_version,
    boundary,
    from_kurrent_event,
    is_system_event,
    is_transient,
    redact_uri,
    resubscribe_delay,
    to_kurrent_event,
    to_kurrent_expected,
    translate_error,
    version_after_append,
)
from adapters.kurrent_store import KurrentEventStore
from application.eventstore import (
    EventMetadata,
    EventStoreError,
    EventStoreUnavailable,
    ExpectedVersion,
    InvalidStreamName,
    NewEvent,
    StreamState,
)

RECORDED_AT = datetime(2025, 3, 4, 5, 6, 7, 123456, tzinfo=UTC)


def full_metadata() -> EventMetadata:
    return EventMetadata(
        actor="AI_COACH", command_id=uuid4(), correlation_id=uuid4(), causation_id=uuid4(), user_id=uuid4()
    )


def new_event(metadata: EventMetadata | None = None, **data: object) -> NewEvent:
    return NewEvent(
        event_id=uuid4(),
        type="ExerciseAdded",
        schema_version=2,
        data=data or {"plan_id": str(uuid4()), "sets": 3, "note": "Kniebeuge, tief 🏋️ ü"},
        metadata=metadata or EventMetadata(actor="USER", command_id=uuid4(), correlation_id=uuid4()),
    )


def recorded_from(
    sent: kurrentdbclient.NewEvent,
    *,
    stream: str = "plan-1",
    stream_position: int = 0,
    commit_position: int = 4096,
    recorded_at: datetime | None = RECORDED_AT,
) -> kurrentdbclient.RecordedEvent:
    """What KurrentDB hands back for an event it stored from `sent`."""
    return kurrentdbclient.RecordedEvent(
        type=sent.type,
        data=sent.data,
        metadata=sent.metadata,
        content_type=sent.content_type,
        id=sent.id,
        stream_name=stream,
        stream_position=stream_position,
        commit_position=commit_position,
        prepare_position=commit_position,
        recorded_at=recorded_at,
    )


def raw_recorded(
    *, type: str = "ExerciseAdded", stream: str = "plan-1", data: bytes = b"{}", metadata: bytes = b"{}"
) -> kurrentdbclient.RecordedEvent:
    return kurrentdbclient.RecordedEvent(
        type=type,
        data=data,
        metadata=metadata,
        content_type=CONTENT_TYPE,
        id=uuid4(),
        stream_name=stream,
        stream_position=0,
        commit_position=100,
        prepare_position=100,
        recorded_at=RECORDED_AT,
    )


# --- our NewEvent -> kurrentdbclient.NewEvent ---


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


# --- expected versions ---


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (StreamState.NO_STREAM, kurrentdbclient.StreamState.NO_STREAM),
        (StreamState.ANY, kurrentdbclient.StreamState.ANY),
        (0, kurrentdbclient.StreamState.NO_STREAM),
        (1, 0),
        (7, 6),
    ],
)
def test_expected_versions_map_to_kurrent_stream_positions(ours, theirs):
    assert to_kurrent_expected(ours) == theirs


def test_a_negative_expected_version_has_no_kurrent_meaning():
    with pytest.raises(ValueError, match="version >= 0"):
        to_kurrent_expected(-1)


@pytest.mark.parametrize(
    ("expected", "count", "after"),
    [(StreamState.NO_STREAM, 3, 3), (0, 1, 1), (5, 2, 7), (StreamState.ANY, 2, None)],
)
def test_the_version_after_an_append_follows_from_the_expected_version(
    expected: ExpectedVersion, count: int, after: int | None
) -> None:
    assert version_after_append(expected, count) == after


# --- errors ---


@pytest.mark.parametrize(
    ("reported", "ours"),
    [(4, 5), (0, 1), (-1, 0), (kurrentdbclient.StreamState.NO_STREAM, 0), (None, None)],
)
def test_a_conflict_reports_our_version_of_the_stream(reported, ours):
    conflict = kurrent_errors.WrongCurrentVersionError(
        "conflict", stream_name="plan-1", actual_version=reported
    )
    assert actual_version(conflict) == ours


@pytest.mark.parametrize(
    "error",
    [
        kurrent_errors.ServiceUnavailableError("connection refused"),
        kurrent_errors.GrpcDeadlineExceededError("deadline"),
        kurrent_errors.ConsumerTooSlowError("Consumer too slow"),
        kurrent_errors.DiscoveryFailedError("no gossip"),
        kurrent_errors.UnauthenticatedError("who are you"),
        ConnectionResetError("reset by peer"),
    ],
)
def test_connection_problems_become_unavailable(error):
    translated = translate_error(error)
    assert isinstance(translated, EventStoreUnavailable)
    assert translated.code == "UNAVAILABLE"


@pytest.mark.parametrize(
    "error",
    [
        kurrent_errors.TransactionMaxSizeExceededError("too big", size=10, max_size=5),
        kurrent_errors.StreamIsDeletedError("deleted"),
        kurrent_errors.InvalidCommitPositionError("no such position"),
    ],
)
def test_other_client_errors_become_generic_event_store_errors(error):
    translated = translate_error(error)
    assert not isinstance(translated, EventStoreUnavailable)
    assert translated.code == "EVENT_STORE_ERROR"
    assert type(error).__name__ in str(translated)


def test_the_boundary_translates_and_keeps_the_cause():
    original = kurrent_errors.ServiceUnavailableError("down")
    with pytest.raises(EventStoreUnavailable) as raised, boundary():
        raise original
    assert raised.value.__cause__ is original


def test_the_boundary_lets_errors_the_caller_handles_through():
    with pytest.raises(kurrent_errors.NotFoundError), boundary(passthrough=(kurrent_errors.NotFoundError,)):
        raise kurrent_errors.NotFoundError("no stream")


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (kurrent_errors.ServiceUnavailableError("down"), True),
        (kurrent_errors.GrpcDeadlineExceededError("slow"), True),
        (kurrent_errors.ConsumerTooSlowError("Consumer too slow"), True),
        (kurrent_errors.CancelledError("server cancelled"), True),
        (kurrent_errors.CancelledByClientError("Locally cancelled by application!"), False),
        (kurrent_errors.TransactionMaxSizeExceededError("too big", size=10, max_size=5), False),
        (kurrent_errors.AccessDeniedError("no"), False),
        (kurrent_errors.NotFoundError("gone"), False),
    ],
)
def test_only_transient_errors_resume_a_subscription(error, transient):
    assert is_transient(error) is transient


def test_resubscribing_backs_off_exponentially_up_to_a_cap():
    delays = [resubscribe_delay(n) for n in range(1, 20)]
    assert delays[0] == RESUBSCRIBE_FIRST_DELAY
    assert delays[1] == 2 * RESUBSCRIBE_FIRST_DELAY
    assert delays == sorted(delays)
    assert delays[-1] == RESUBSCRIBE_MAX_DELAY


@pytest.mark.parametrize(
    ("uri", "shown"),
    [
        ("kurrentdb://admin:changeit@db:2113?tls=true", "kurrentdb://admin:***@db:2113?tls=true"),
        ("kurrentdb://kurrentdb:2113?tls=false", "kurrentdb://kurrentdb:2113?tls=false"),
    ],
)
def test_connection_strings_are_shown_without_their_password(uri, shown):
    assert redact_uri(uri) == shown


# --- the store itself, where no server is needed ---


def test_a_bad_connection_string_fails_fast_without_revealing_the_password():
    with pytest.raises(ValueError, match="scheme") as raised:
        KurrentEventStore("http://admin:s3cret@db:2113")
    assert "s3cret" not in str(raised.value)


@pytest.fixture
def unreachable_uri() -> str:
    """A port nothing listens on: bound once to find it free, then released."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"kurrentdb://127.0.0.1:{port}?tls=false"


async def test_an_unreachable_server_is_reported_as_unavailable(unreachable_uri):
    store = KurrentEventStore(unreachable_uri)
    try:
        with pytest.raises(EventStoreUnavailable):
            await store.append("plan-1", [new_event()], StreamState.NO_STREAM)
        with pytest.raises(EventStoreUnavailable):
            await store.read_stream("plan-1")
        with pytest.raises(EventStoreUnavailable):
            await store.read_all()
        with pytest.raises(EventStoreUnavailable):
            await store.current_position()
    finally:
        await store.close()


async def test_a_subscription_gives_up_as_unavailable_when_it_cannot_resubscribe(unreachable_uri):
    store = KurrentEventStore(unreachable_uri, resubscribe_attempts=0)
    try:
        with pytest.raises(EventStoreUnavailable):
            await anext(store.subscribe_all())
    finally:
        await store.close()


async def test_invalid_stream_names_are_refused_before_any_network_call(unreachable_uri):
    store = KurrentEventStore(unreachable_uri)
    for name in ["", "$all", "x" * 201]:
        with pytest.raises(InvalidStreamName):
            await store.append(name, [new_event()], StreamState.ANY)
    await store.close()


async def test_a_closed_store_refuses_further_use(unreachable_uri):
    store = KurrentEventStore(unreachable_uri)
    await store.close()
    with pytest.raises(EventStoreError, match="closed"):
        await store.read_all()
