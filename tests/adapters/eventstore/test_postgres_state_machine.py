"""Random sequences of appends, retries and reads on PostgreSQL, checked against a plain list model.

Hypothesis state machines are synchronous, so the async store runs on an event loop in its own thread
(an anyio blocking portal); every machine run writes to fresh streams.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from typing import TypeVar, cast

import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from adapters.postgres.schema import migrate
from adapters.postgres.store import PostgresEventStore
from application.eventstore import (
    AppendResult,
    DuplicateEventId,
    ExpectedVersion,
    NewEvent,
    StreamState,
    WrongExpectedVersion,
)
from tests.adapters.eventstore import new_event, new_events

T = TypeVar("T")
STREAMS = 3


@dataclass(frozen=True)
class Stored:
    event: NewEvent
    position: int


def model_accepts(expected: ExpectedVersion, version: int) -> bool:
    if expected is StreamState.ANY:
        return True
    if expected is StreamState.NO_STREAM:
        return version == 0
    return expected == version


def expected_versions(version: int) -> st.SearchStrategy[ExpectedVersion]:
    return st.one_of(
        st.sampled_from([StreamState.ANY, StreamState.NO_STREAM, version]),
        st.integers(min_value=-1, max_value=version + 2),
    )


class PostgresStoreMachine(RuleBasedStateMachine):
    def __init__(self, portal: BlockingPortal, store: PostgresEventStore) -> None:
        super().__init__()
        self.portal = portal
        self.store = store
        run = uuid.uuid4().hex[:12]
        self.streams = [f"machine-{run}-{index}" for index in range(STREAMS)]
        self.model: dict[str, list[Stored]] = {stream: [] for stream in self.streams}
        self.log: list[Stored] = []
        self.start = self.run(self.store.current_position)

    def run(self, call: Callable[[], Awaitable[T]]) -> T:
        return self.portal.call(call)

    def append(self, stream: str, events: list[NewEvent], expected: ExpectedVersion) -> AppendResult:
        return self.run(lambda: self.store.append(stream, events, expected))

    def has_events(self) -> bool:
        return bool(self.log)

    @rule(data=st.data(), stream_index=st.integers(0, STREAMS - 1), size=st.integers(0, 3))
    def append_new_events(self, data: st.DataObject, stream_index: int, size: int) -> None:
        stream = self.streams[stream_index]
        stored = self.model[stream]
        expected = data.draw(expected_versions(len(stored)), label="expected")
        events = new_events(size)
        if not model_accepts(expected, len(stored)):
            with pytest.raises(WrongExpectedVersion) as conflict:
                self.append(stream, events, expected)
            assert conflict.value.actual == len(stored)
            return
        result = self.append(stream, events, expected)
        top = self.start + len(self.log)
        for offset, event in enumerate(events, start=1):
            stored.append(Stored(event, top + offset))
        self.log.extend(stored[len(stored) - size :])
        assert result == AppendResult(len(stored), stored[-1].position if stored else 0)

    @precondition(has_events)
    @rule(data=st.data())
    def retry_stored_events(self, data: st.DataObject) -> None:
        stream = data.draw(st.sampled_from([s for s in self.streams if self.model[s]]), label="stream")
        stored = self.model[stream]
        first = data.draw(st.integers(0, len(stored) - 1), label="first")
        end = data.draw(st.integers(first + 1, len(stored)), label="end")
        expected = data.draw(expected_versions(first), label="expected")
        retried = [s.event for s in stored[first:end]]
        if model_accepts(expected, first):
            assert self.append(stream, retried, expected) == AppendResult(end, stored[end - 1].position)
        else:
            with pytest.raises(WrongExpectedVersion) as conflict:
                self.append(stream, retried, expected)
            assert conflict.value.actual == len(stored)

    @precondition(has_events)
    @rule(data=st.data(), new_first=st.booleans())
    def retry_mixed_with_a_new_event(self, data: st.DataObject, new_first: bool) -> None:
        stream = data.draw(st.sampled_from([s for s in self.streams if self.model[s]]), label="stream")
        old = data.draw(st.sampled_from(self.model[stream]), label="old").event
        events = [new_event(), old] if new_first else [old, new_event()]
        expected = data.draw(expected_versions(len(self.model[stream])), label="expected")
        with pytest.raises(WrongExpectedVersion) as conflict:
            self.append(stream, events, expected)
        assert conflict.value.actual == len(self.model[stream])

    @precondition(has_events)
    @rule(data=st.data())
    def reuse_an_event_id_in_another_stream(self, data: st.DataObject) -> None:
        source = data.draw(st.sampled_from([s for s in self.streams if self.model[s]]), label="source")
        target = data.draw(st.sampled_from([s for s in self.streams if s != source]), label="target")
        old = data.draw(st.sampled_from(self.model[source]), label="old").event
        with pytest.raises(DuplicateEventId):
            self.append(target, [old], StreamState.ANY)

    @rule(
        stream_index=st.integers(0, STREAMS - 1),
        from_version=st.integers(0, 12),
        to_version=st.none() | st.integers(0, 12),
        backwards=st.booleans(),
        limit=st.none() | st.integers(0, 12),
    )
    def read_stream(
        self, stream_index: int, from_version: int, to_version: int | None, backwards: bool, limit: int | None
    ) -> None:
        stream = self.streams[stream_index]
        expected = [
            s.event.event_id
            for version, s in enumerate(self.model[stream], start=1)
            if from_version <= version and (to_version is None or version <= to_version)
        ]
        if backwards:
            expected.reverse()
        if limit is not None:
            expected = expected[:limit]
        read = self.run(
            lambda: self.store.read_stream(
                stream, from_version=from_version, to_version=to_version, backwards=backwards, limit=limit
            )
        )
        assert [e.event_id for e in read] == expected

    @invariant()
    def global_log_is_dense_and_in_append_order(self) -> None:
        read = self.run(lambda: self.store.read_all(after=self.start, limit=10_000))
        assert [(e.event_id, e.position) for e in read] == [(s.event.event_id, s.position) for s in self.log]


@pytest.fixture(scope="module")
def portal_and_store(database_url: str) -> Iterator[tuple[BlockingPortal, PostgresEventStore]]:
    with start_blocking_portal() as portal:
        portal.call(migrate, database_url)
        store = portal.call(PostgresEventStore.connect, database_url)
        try:
            yield portal, store
        finally:
            portal.call(store.close)


MACHINE_SETTINGS = settings(
    max_examples=40, stateful_step_count=30, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)


def test_postgres_store_behaves_like_the_model(
    portal_and_store: tuple[BlockingPortal, PostgresEventStore],
) -> None:
    portal, store = portal_and_store
    # run_state_machine_as_test accepts any factory, though it is annotated with the class type.
    factory = cast(type[RuleBasedStateMachine], lambda: PostgresStoreMachine(portal, store))
    run_state_machine_as_test(factory, settings=MACHINE_SETTINGS)
