"""`audit verify` through its application service, over the real projections, runners and PostgreSQL:
a faithful read model verifies clean; hand edits, deleted rows and extra rows are each named, with their
key and columns; only the log up to the live checkpoint counts; the live tables are only read and no
scratch schema outlives a verification."""

from __future__ import annotations

import asyncio
from typing import Any

import psycopg
import pytest

from adapters.postgres.store import PostgresEventStore
from application.audit.row_comparison import ColumnDrift, DriftKind, RowDrift
from application.audit.verify import MAX_SAMPLE, ProjectionBusy, UnknownProjection, VerificationRunning
from domain.errors import ValidationError
from projections.rebuild import REBUILD_LOCK_NAMESPACE
from projections.registry import PROJECTIONS
from tests.projections.conftest import Runners
from tests.projections.projector_support import write_workload
from tests.projections.verify_support import (
    execute,
    live_contents,
    project_everything,
    schemas,
    verification,
    write_every_kind,
)


@pytest.fixture
async def projected(projection_url: str, projection_store: PostgresEventStore, runners: Runners) -> int:
    """A log with every kind of event, projected by the real runners (which keep running); its head."""
    head = await write_every_kind(projection_store)
    await project_everything(projection_store, projection_url, runners, head)
    return head


async def one_row(url: str, query: str) -> tuple[Any, ...]:
    async with await psycopg.AsyncConnection.connect(url) as conn:
        row = await (await conn.execute(query.encode())).fetchone()
    assert row is not None
    return tuple(row)


async def test_read_models_the_runners_built_verify_clean_and_are_left_alone(
    projection_url, projection_store, projected
):
    before, schemas_before = await live_contents(projection_url), await schemas(projection_url)

    report = await verification(projection_store, projection_url, page_size=97).verify()

    assert not report.drifted
    assert report.drift_count == 0
    assert report.events_replayed == projected
    assert [p.projection for p in report.projections] == [p.name for p in PROJECTIONS]
    assert {p.projection: p.checkpoint for p in report.projections} == dict.fromkeys(
        (p.name for p in PROJECTIONS), projected
    )
    tables = {t.table: t for p in report.projections for t in p.tables}
    assert set(tables) == set(before)
    for name, table in tables.items():
        assert table.live_rows == table.rebuilt_rows == table.compared_rows == len(before[name]) > 0, name
    assert tables["workout.workout_exercises"].key_columns == ("plan_id", "exercise_order")
    assert await live_contents(projection_url) == before
    assert await schemas(projection_url) == schemas_before


async def test_a_hand_edited_a_deleted_and_an_extra_row_are_each_named(
    projection_url, projection_store, projected
):
    plan_id, name = await one_row(projection_url, "SELECT id, name FROM workout.workout_plans ORDER BY id")
    await execute(
        projection_url, "UPDATE workout.workout_plans SET name = 'Edited by hand' WHERE id = %s", (plan_id,)
    )
    gone = await one_row(
        projection_url,
        "SELECT plan_id, exercise_order, exercise_data::text FROM workout.workout_exercises ORDER BY 1, 2",
    )
    await execute(
        projection_url,
        "DELETE FROM workout.workout_exercises WHERE plan_id = %s AND exercise_order = %s",
        gone[:2],
    )
    extra = await one_row(
        projection_url, "SELECT plan_id FROM workout.plan_versions ORDER BY plan_id, version_number"
    )
    await execute(
        projection_url,
        "INSERT INTO workout.plan_versions SELECT plan_id, 999, parent_version, exercises, 'forged',"
        " changed_by, created_at FROM workout.plan_versions WHERE plan_id = %s ORDER BY version_number"
        " LIMIT 1",
        extra,
    )
    user_id, display_name = await one_row(
        projection_url, "SELECT id, display_name FROM auth.users ORDER BY id"
    )
    await execute(projection_url, "UPDATE auth.users SET display_name = 'Mallory' WHERE id = %s", (user_id,))
    before = await live_contents(projection_url)

    report = await verification(projection_store, projection_url).verify()

    assert report.drifted
    by_projection = {p.projection: p for p in report.projections}
    assert not by_projection["coaching"].drifted
    assert not by_projection["library"].drifted
    assert by_projection["users"].drifts == (
        RowDrift(
            "auth.users",
            (("id", str(user_id)),),
            DriftKind.CHANGED,
            (ColumnDrift("display_name", "Mallory", display_name),),
        ),
    )
    drifts = {drift.table: drift for drift in by_projection["workout_plans"].drifts}
    assert len(by_projection["workout_plans"].drifts) == 3
    assert drifts["workout.workout_plans"] == RowDrift(
        "workout.workout_plans",
        (("id", str(plan_id)),),
        DriftKind.CHANGED,
        (ColumnDrift("name", "Edited by hand", name),),
    )
    missing = drifts["workout.workout_exercises"]
    assert (missing.kind, missing.key) == (
        DriftKind.MISSING,
        (("plan_id", str(gone[0])), ("exercise_order", str(gone[1]))),
    )
    assert missing.columns == (ColumnDrift("exercise_data", None, gone[2]),)
    forged = drifts["workout.plan_versions"]
    assert (forged.kind, forged.key) == (
        DriftKind.EXTRA,
        (("plan_id", str(extra[0])), ("version_number", "999")),
    )
    assert ColumnDrift("change_description", "forged", None) in forged.columns
    assert report.drift_count == 4
    counts = {
        t.table: (t.live_rows, t.rebuilt_rows, t.drifted_rows) for p in report.projections for t in p.tables
    }
    assert counts["workout.workout_exercises"][:2] == (
        len(before["workout.workout_exercises"]),
        len(before["workout.workout_exercises"]) + 1,
    )
    assert await live_contents(projection_url) == before


async def test_text_keys_composite_keys_and_every_projection_are_compared(
    projection_url, projection_store, projected
):
    await execute(
        projection_url, "UPDATE library.exercises SET retired = NOT retired WHERE id = 'T_Back_Squat'"
    )
    # A lower-case id sorts after the upper-case ones byte by byte, before them in most locales.
    await execute(
        projection_url,
        "INSERT INTO library.exercises SELECT (jsonb_populate_record(NULL::library.exercises,"
        ' to_jsonb(e) || \'{"id": "a_forged", "slug": "a-forged"}\')).* FROM library.exercises e'
        " WHERE id = 'T_Back_Squat'",
    )
    user_id, day = await one_row(projection_url, "SELECT user_id, day FROM ai.coach_usage ORDER BY 1, 2")
    await execute(
        projection_url,
        "UPDATE ai.coach_usage SET replies = replies + 1 WHERE user_id = %s AND day = %s",
        (user_id, day),
    )
    (trigger,) = await one_row(projection_url, "SELECT id FROM ai.safety_triggers ORDER BY id")
    await execute(projection_url, "DELETE FROM ai.safety_triggers WHERE id = %s", (trigger,))

    report = await verification(projection_store, projection_url).verify()

    found = {(d.table, d.key, d.kind): d.columns for p in report.projections for d in p.drifts}
    assert set(found) == {
        ("library.exercises", (("id", "T_Back_Squat"),), DriftKind.CHANGED),
        ("library.exercises", (("id", "a_forged"),), DriftKind.EXTRA),
        ("ai.coach_usage", (("user_id", str(user_id)), ("day", str(day))), DriftKind.CHANGED),
        ("ai.safety_triggers", (("id", str(trigger)),), DriftKind.MISSING),
    }
    assert [c.column for c in found["library.exercises", (("id", "T_Back_Squat"),), DriftKind.CHANGED]] == [
        "retired"
    ]
    [usage] = found["ai.coach_usage", (("user_id", str(user_id)), ("day", str(day))), DriftKind.CHANGED]
    assert (usage.column, int(usage.live or 0) - int(usage.rebuilt or 0)) == ("replies", 1)


async def test_only_the_log_up_to_the_live_checkpoint_counts(
    projection_url, projection_store, projected, runners
):
    await runners.stop_all()
    await write_workload(
        projection_store, plans=3, commands=50, seed=64
    )  # not projected: the read model lags
    assert await projection_store.current_position() > projected

    report = await verification(projection_store, projection_url).verify()

    assert not report.drifted
    assert report.events_replayed == projected
    assert {p.checkpoint for p in report.projections} == {projected}


async def test_a_sample_compares_that_many_random_keys_of_each_table(
    projection_url, projection_store, projected
):
    (plan_id,) = await one_row(projection_url, "SELECT id FROM workout.workout_plans ORDER BY id")
    await execute(
        projection_url, "UPDATE workout.workout_plans SET is_active = NOT is_active WHERE id = %s", (plan_id,)
    )
    verify = verification(projection_store, projection_url).verify

    small = await verify("workout_plans", sample=2)
    assert [p.projection for p in small.projections] == ["workout_plans"]
    assert small.sample == 2
    assert {t.table: t.compared_rows for t in small.projections[0].tables} == dict.fromkeys(
        ("workout.plan_versions", "workout.workout_exercises", "workout.workout_plans"), 2
    )
    covering = await verify("workout_plans", sample=10_000)
    assert [(d.table, d.key) for d in covering.projections[0].drifts] == [
        ("workout.workout_plans", (("id", str(plan_id)),))
    ]


async def test_a_projection_being_rebuilt_an_unknown_one_and_a_sample_below_one_are_refused(
    projection_url, projection_store
):
    verify = verification(projection_store, projection_url).verify
    async with await psycopg.AsyncConnection.connect(projection_url, autocommit=True) as rebuilding:
        await rebuilding.execute("SELECT pg_advisory_lock(%s, hashtext('users'))", (REBUILD_LOCK_NAMESPACE,))
        with pytest.raises(ProjectionBusy) as busy:
            await verify()
        assert busy.value.code == "CONFLICT"
        assert not (await verify("workout_plans")).drifted
    with pytest.raises(UnknownProjection) as unknown:
        await verify("workout")
    assert unknown.value.code == "UNKNOWN_PROJECTION"
    assert "workout_plans" in unknown.value.message
    with pytest.raises(ValidationError):
        await verify(sample=0)
    with pytest.raises(ValidationError):
        await verify(sample=MAX_SAMPLE + 1)


async def test_a_second_verification_while_one_runs_is_refused_not_queued(projection_url, projection_store):
    verify = verification(projection_store, projection_url).verify
    first = asyncio.create_task(verify("workout_plans"))
    await asyncio.sleep(
        0
    )  # the first one holds its place (it now waits on PostgreSQL) before the second asks
    with pytest.raises(VerificationRunning) as running:
        await verify("users")
    assert running.value.code == "CONFLICT"
    assert not (await first).drifted
    assert not (await verify("users")).drifted, "once the first is done, the next one runs"
