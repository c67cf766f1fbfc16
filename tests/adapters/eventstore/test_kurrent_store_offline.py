"""The KurrentDB store where no server is needed: bad connection strings and stream names fail fast, and an
unreachable or closed store is reported as such."""

from __future__ import annotations

import socket

import pytest

from adapters.kurrentdb.store import KurrentEventStore
from application.eventstore import EventStoreError, EventStoreUnavailable, InvalidStreamName, StreamState
from tests.adapters.eventstore.kurrent_events import new_event


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
