"""The audit reads over the real PostgreSQL event store: a stream's history by name or id, an aggregate at
a version or a time, the diff of a plan and its authors, a request traced across streams through the
correlation index; and every refusal with its stable code."""

from __future__ import annotations

import uuid
from collections.abc import Awaitable

import psycopg
import pytest

from adapters.memory.store import InMemoryEventStore
from adapters.postgres.store import PostgresEventStore
from application.audit.errors import AuditError
from application.audit.history import StreamHistories
from application.audit.plan_changes import PlanDiffs
from application.audit.streams import PointInTime
from application.audit.time_travel import TimeTravel
from application.audit.trace import ScannedCorrelations, Trace
from application.eventstore import EventMetadata, NewEvent, StreamState
from domain.plans import decode, fold
from domain.plans.streams import plan_stream
from tests.application.audit.conftest import EMAIL, NEW_PASSWORD_HASH, PASSWORD_HASH, AuditedLog


async def refusal(call: Awaitable[object]) -> str:
    with pytest.raises(AuditError) as refused:
        await call
    return refused.value.code


async def test_a_streams_history_is_every_event_with_its_metadata_by_name_or_by_id(
    audited: AuditedLog,
) -> None:
    histories = StreamHistories(audited.store)
    by_name = await histories.history(plan_stream(audited.plan_id))
    by_id = await histories.history(str(audited.plan_id))
    assert by_name == by_id
    assert by_name.stream == plan_stream(audited.plan_id)
    records = by_name.records
    assert [r.version for r in records] == list(range(1, by_name.version + 1))
    assert [r.position for r in records] == sorted(r.position for r in records)
    assert records[0].type == "WorkoutPlanCreated"
    assert records[0].summary.startswith("created 'Strength A' (intermediate, 50 min)")
    assert records[4].summary == "renamed to 'Strength A+'"
    assert records[4].actor == "ai_coach"
    assert records[5].summary == "updated Barbell_Squat: sets=4, notes='pause at the bottom'"
    assert {r.user_id for r in records} == {audited.user_id}
    assert all(r.command_id == r.correlation_id for r in records[: audited.plan_events_before_accept])

    sliced = await histories.history(str(audited.plan_id), from_version=2, to_version=4)
    assert [r.version for r in sliced.records] == [2, 3, 4]
    assert sliced.records == records[1:4]


async def test_a_users_history_masks_the_password_hashes_and_summarises_without_personal_data(audited):
    history = await StreamHistories(audited.store).history(str(audited.user_id))
    assert [r.type for r in history.records] == ["UserRegistered", "ProfileUpdated", "PasswordChanged"]
    assert [r.summary for r in history.records] == [
        "registered as user, with a password",
        "profile changed: weight_kg, injuries",
        "password changed",
    ]
    shown = repr([r.to_json() for r in history.records])
    assert PASSWORD_HASH not in shown
    assert NEW_PASSWORD_HASH not in shown
    assert history.records[0].data["password_hash"] == "[redacted]"
    assert history.records[0].data["email"] == EMAIL  # personal data stays in the data, for auditors


@pytest.mark.parametrize(
    ("stream", "from_version", "to_version", "code"),
    [
        ("workout-00000000-0000-0000-0000-000000000000", 1, None, "STREAM_NOT_FOUND"),
        ("00000000-0000-0000-0000-000000000000", 1, None, "STREAM_NOT_FOUND"),
        ("$all", 1, None, "STREAM_NOT_FOUND"),
        ("no such stream", 1, None, "STREAM_NOT_FOUND"),
        ("workout-\ud800", 1, None, "STREAM_NOT_FOUND"),
        ("PLAN", 0, None, "VERSION_OUT_OF_RANGE"),
        ("PLAN", 99, None, "VERSION_OUT_OF_RANGE"),
        ("PLAN", 1, 99, "VERSION_OUT_OF_RANGE"),
        ("PLAN", 3, 2, "INVALID_VERSION_RANGE"),
    ],
)
async def test_a_history_out_of_bounds_is_refused_with_a_stable_code(
    audited, stream, from_version, to_version, code
):
    name = plan_stream(audited.plan_id) if stream == "PLAN" else stream
    histories = StreamHistories(audited.store)
    assert await refusal(histories.history(name, from_version=from_version, to_version=to_version)) == code


async def test_a_plan_at_each_version_is_the_fold_of_that_many_events(audited):
    travel = TimeTravel(audited.store)
    recorded = await audited.store.read_stream(plan_stream(audited.plan_id))
    for version in range(1, len(recorded) + 1):
        found = await travel.plan_at(audited.plan_id, PointInTime.of(version, None))
        assert found.plan == fold(decode(e.type, e.schema_version, e.data) for e in recorded[:version])
        assert (found.view.version, found.view.last_position) == (version, recorded[version - 1].position)
        assert found.last.version == version
    latest = await travel.plan_at(audited.plan_id, PointInTime.of(len(recorded), None))
    assert not latest.view.is_active
    assert [v.version_number for v in latest.versions] == [1, 2]
    assert [e.exercise_id for e in latest.view.exercises] == [
        "Bench_Press",
        "Barbell_Squat",
        "Romanian_Deadlift",
    ]


async def test_a_plan_at_a_time_holds_the_events_recorded_by_then(audited):
    travel = TimeTravel(audited.store)
    recorded = await audited.store.read_stream(plan_stream(audited.plan_id))
    for event in recorded[2:5]:
        found = await travel.plan_at(audited.plan_id, PointInTime.of(None, event.recorded_at))
        assert found.last.version == event.stream_version
    naive = recorded[3].recorded_at.replace(tzinfo=None)  # a time without a zone is UTC
    assert (await travel.plan_at(audited.plan_id, PointInTime.of(None, naive))).last.version == 4


@pytest.mark.parametrize(
    ("version", "at", "code"),
    [
        (None, None, "VERSION_OR_TIME_REQUIRED"),
        (1, "first", "VERSION_AND_TIME_GIVEN"),
        (0, None, "VERSION_OUT_OF_RANGE"),
        (999, None, "VERSION_OUT_OF_RANGE"),
        (None, "before", "BEFORE_FIRST_EVENT"),
    ],
)
async def test_a_point_in_time_must_be_exactly_one_and_inside_the_stream(audited, version, at, code):
    first = (await audited.store.read_stream(plan_stream(audited.plan_id), limit=1))[0].recorded_at
    moment = {"first": first, "before": first.replace(year=2000), None: None}[at]

    async def plan_at() -> object:
        return await TimeTravel(audited.store).plan_at(audited.plan_id, PointInTime.of(version, moment))

    assert await refusal(plan_at()) == code
    assert (
        await refusal(TimeTravel(audited.store).plan_at(uuid.uuid4(), PointInTime(version=1)))
        == "STREAM_NOT_FOUND"
    )


async def test_a_user_and_a_session_at_a_version_are_shown_as_their_read_models_show_them(audited):
    travel = TimeTravel(audited.store)
    registered = await travel.user_at(audited.user_id, PointInTime(version=1))
    assert registered.view is not None
    assert (registered.view.email, registered.view.display_name, registered.view.weight_kg) == (
        EMAIL,
        "Grace",
        None,
    )
    profiled = await travel.user_at(audited.user_id, PointInTime(version=2))
    assert profiled.view is not None
    assert (profiled.view.weight_kg, profiled.view.injuries, profiled.view.version) == (
        62.0,
        ("left knee",),
        2,
    )

    answered = await travel.session_at(audited.session_id, PointInTime(version=4))
    assert (answered.view.status, answered.view.message_count, answered.waiting_messages) == ("active", 1, 0)
    assert [(s.suggestion_id, s.status) for s in answered.suggestions] == [(audited.suggestion_id, "open")]
    accepted = await travel.session_at(audited.session_id, PointInTime(version=5))
    assert [(s.status, s.plan_version) for s in accepted.suggestions] == [("accepted", 2)]


async def test_a_plan_diff_names_each_change_and_who_made_it(audited):
    changes = await PlanDiffs(audited.store).changes(
        audited.plan_id, 4, audited.plan_events_before_accept + 2
    )
    diff = changes.diff
    assert [(c.field, c.before, c.after) for c in diff.fields if c.field != "updated_at"] == [
        ("name", "Strength A", "Strength A+")
    ]
    assert [e.exercise_id for e in diff.removed] == ["Barbell_Row"]
    assert [(a.index, a.exercise.exercise_id) for a in diff.added] == [(2, "Romanian_Deadlift")]
    assert [(c.exercise_id, [f.field for f in c.fields]) for c in diff.changed] == [
        ("Barbell_Squat", ["sets", "notes"])
    ]
    assert diff.reordered == ("Bench_Press", "Barbell_Squat")
    assert [v.number for v in diff.versions_added] == [1, 2]
    assert [(a.actor, a.user_id, a.events) for a in changes.authors] == [
        ("ai_coach", audited.user_id, 3),
        ("user", audited.user_id, 4),
    ]
    assert [r.version for r in changes.events] == list(range(5, audited.plan_events_before_accept + 3))

    assert await refusal(PlanDiffs(audited.store).changes(audited.plan_id, 5, 4)) == "INVALID_VERSION_RANGE"
    assert await refusal(PlanDiffs(audited.store).changes(audited.plan_id, 1, 999)) == "VERSION_OUT_OF_RANGE"


def postgres_index(audited: AuditedLog) -> PostgresEventStore:
    """The PostgreSQL store under the opened one: its correlation-id index."""
    stored = audited.store.stored
    assert isinstance(stored, PostgresEventStore)
    return stored


async def test_a_trace_is_every_event_of_the_request_across_streams_in_log_order(audited):
    traced = await Trace(postgres_index(audited)).events(audited.accept_correlation)
    assert [(r.stream, r.type) for r in traced] == [
        (plan_stream(audited.plan_id), "ExerciseAdded"),
        (plan_stream(audited.plan_id), "WorkoutVersionCreated"),
        (f"coaching-{audited.session_id}", "SuggestionAccepted"),
    ]
    assert [r.position for r in traced] == sorted(r.position for r in traced)
    assert {r.correlation_id for r in traced} == {audited.accept_correlation}
    assert (
        await Trace(ScannedCorrelations(audited.store, page=3)).events(audited.accept_correlation) == traced
    )
    assert await refusal(Trace(postgres_index(audited)).events(uuid.uuid4())) == "CORRELATION_NOT_FOUND"


async def test_the_correlation_lookup_goes_through_its_index(audited):
    async with await psycopg.AsyncConnection.connect(audited.url) as conn:
        await conn.execute("SET enable_seqscan = off")
        plan = await conn.execute(
            "EXPLAIN SELECT * FROM eventstore.events WHERE correlation_id = %s AND position > 0"
            " ORDER BY position LIMIT 1000",
            (audited.accept_correlation,),
        )
        text = "\n".join(row[0] for row in await plan.fetchall())
    assert "events_by_correlation" in text


async def test_the_memory_store_scans_for_correlated_events_after_a_position_up_to_a_limit():
    store = InMemoryEventStore()
    wanted, other = uuid.uuid4(), uuid.uuid4()
    for index, correlation in enumerate([wanted, other, wanted, wanted, other]):
        metadata = EventMetadata(actor="user", command_id=uuid.uuid4(), correlation_id=correlation)
        await store.append(
            f"s-{index % 2}", [NewEvent(uuid.uuid4(), "Happened", 1, {}, metadata)], StreamState.ANY
        )
    assert [e.position for e in await store.correlated(wanted)] == [1, 3, 4]
    assert [e.position for e in await store.correlated(wanted, after=1, limit=1)] == [3]
    assert [record.position for record in await Trace(store).events(other)] == [2, 5]
