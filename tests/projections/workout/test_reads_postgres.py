"""`PostgresPlanReadModel`: plans by id (one or many), versions, and a user's plans page by page."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import psycopg
import pytest
from psycopg.types.json import Jsonb

from adapters.postgres.plan_read_model import PostgresPlanReadModel
from application.plan_reads import MAX_PAGE_SIZE, InvalidPageSize, PageCursor, VersionPage, version_page
from application.plan_views import ExerciseView, PlanView
from tests.projections import T0, plan_view, read_model_database, write_plan

Connection = psycopg.AsyncConnection[Any]


@pytest.fixture(scope="module")
async def read_models_url(database_url: str) -> AsyncIterator[str]:
    async with read_model_database(database_url) as url:
        yield url


@pytest.fixture(scope="module")
async def read_model(read_models_url: str) -> AsyncIterator[PostgresPlanReadModel]:
    model = await PostgresPlanReadModel.connect(read_models_url)
    yield model
    await model.close()


@pytest.fixture
async def conn(read_models_url: str) -> AsyncIterator[Connection]:
    async with await psycopg.AsyncConnection.connect(read_models_url, autocommit=True) as connection:
        yield connection


def exercise(exercise_id: str, **changes: Any) -> ExerciseView:
    base = {
        "exercise_id": exercise_id,
        "name": exercise_id.replace("_", " "),
        "sets": 3,
        "reps": 10,
        "weight_kg": 20.5,
        "rest_seconds": 90,
        "tempo": None,
        "notes": "",
        "alternatives": [],
    }
    return ExerciseView.from_json({**base, **changes})


async def test_a_plan_comes_back_with_its_exercises_in_order(
    read_model: PostgresPlanReadModel, conn: Connection
) -> None:
    exercises = (
        exercise("Deadlift", tempo="3-1-1-0"),
        exercise("Barbell_Squat", notes="slow"),
        exercise("Lunge", alternatives=["Split_Squat"]),
    )
    written = plan_view(exercises=exercises, latest_version_number=2, created_by="ai_coach")
    await write_plan(conn, written)

    assert await read_model.plan(written.id) == written


async def test_a_plan_without_exercises_has_none(read_model: PostgresPlanReadModel, conn: Connection) -> None:
    written = plan_view(exercises=())
    await write_plan(conn, written)
    found = await read_model.plan(written.id)
    assert found is not None
    assert found.exercises == ()


async def test_an_unknown_plan_is_none(read_model: PostgresPlanReadModel) -> None:
    assert await read_model.plan(uuid.uuid4()) is None


async def test_many_plans_at_once_returns_those_that_exist(
    read_model: PostgresPlanReadModel, conn: Connection
) -> None:
    first, second = plan_view(), plan_view(exercises=(exercise("Row"), exercise("Pull_Up")))
    for view in (first, second):
        await write_plan(conn, view)
    missing = uuid.uuid4()

    found = await read_model.plans([second.id, missing, first.id, second.id])

    assert found == {first.id: first, second.id: second}
    assert await read_model.plans([]) == {}


async def test_versions_come_oldest_first_per_plan(
    read_model: PostgresPlanReadModel, conn: Connection
) -> None:
    plan, other, without = plan_view(), plan_view(), plan_view()
    rows = [
        (plan.id, 2, 1, [exercise("Row").to_json(), exercise("Dip").to_json()], "Week 2"),
        (plan.id, 1, None, [exercise("Row").to_json()], "Week 1"),
        (other.id, 1, None, [], "Start"),
    ]
    await insert_versions(conn, rows)

    found = await read_model.version_pages([plan.id, other.id, without.id], limit=MAX_PAGE_SIZE)

    assert set(found) == {plan.id, other.id, without.id}
    page = found[plan.id]
    assert [(v.version_number, v.parent_version, v.change_description) for v in page.versions] == [
        (1, None, "Week 1"),
        (2, 1, "Week 2"),
    ]
    assert (page.total, page.has_next, page.has_previous) == (2, False, False)
    assert [e.exercise_id for e in page.versions[1].exercises] == ["Row", "Dip"]
    assert found[other.id].versions[0].exercises == ()
    assert page.versions[0].created_at == T0 + timedelta(days=1)
    assert found[without.id] == VersionPage((), 0, False, False)


async def test_a_page_of_versions_reads_only_its_rows_and_counts_them_all(
    read_model: PostgresPlanReadModel, conn: Connection
) -> None:
    plan, other = plan_view(), plan_view()
    await insert_versions(conn, [(plan.id, n, n - 1 or None, [], f"Week {n}") for n in range(1, 8)])
    await insert_versions(conn, [(other.id, n, n - 1 or None, [], f"Day {n}") for n in range(1, 4)])

    first = await read_model.version_pages([plan.id, other.id], limit=3)
    middle = await read_model.version_pages([plan.id, other.id], limit=3, after=3)
    last = await read_model.version_pages([plan.id], limit=3, after=6)

    def shape(page: VersionPage) -> tuple[list[int], bool, bool, int]:
        return [v.version_number for v in page.versions], page.has_next, page.has_previous, page.total

    assert shape(first[plan.id]) == ([1, 2, 3], True, False, 7)
    assert shape(middle[plan.id]) == ([4, 5, 6], True, True, 7)
    assert shape(last[plan.id]) == ([7], False, True, 7)
    assert shape(first[other.id]) == ([1, 2, 3], False, False, 3)
    assert shape(middle[other.id]) == ([], False, True, 3)
    # The same pages as cut in memory from the whole list (a mutation's own result is paged so).
    everything = (await read_model.version_pages([plan.id], limit=MAX_PAGE_SIZE))[plan.id].versions
    for after in (None, 0, 3, 6, 7, 99):
        for limit in (1, 3, 7):
            expected = version_page(everything, limit=limit, after=after)
            assert (await read_model.version_pages([plan.id], limit=limit, after=after))[plan.id] == expected
    for limit in (0, MAX_PAGE_SIZE + 1):
        with pytest.raises(InvalidPageSize):
            await read_model.version_pages([plan.id], limit=limit)


async def insert_versions(conn: Connection, rows: list[tuple[Any, ...]]) -> None:
    for plan_id, number, parent, exercises, description in rows:
        await conn.execute(
            "INSERT INTO workout.plan_versions VALUES (%s, %s, %s, %s, %s, 'user', %s)",
            (plan_id, number, parent, Jsonb(exercises), description, T0 + timedelta(days=number)),
        )


async def user_with_plans(conn: Connection) -> tuple[uuid.UUID, list[PlanView]]:
    """Seven plans of one user, two updated at the same instant, and one plan of somebody else."""
    user = uuid.uuid4()
    minutes = [5, 1, 3, 3, 7, 2, 6]
    views = [
        plan_view(user_id=user, updated_at=T0 + timedelta(minutes=m), is_active=index % 3 != 0)
        for index, m in enumerate(minutes)
    ]
    for view in [*views, plan_view(updated_at=T0 + timedelta(minutes=4))]:
        await write_plan(conn, view)
    newest_first = sorted(views, key=lambda view: (view.updated_at, view.id), reverse=True)
    return user, newest_first


async def test_a_users_plans_come_newest_first_page_by_page(
    read_model: PostgresPlanReadModel, conn: Connection
) -> None:
    user, expected = await user_with_plans(conn)
    seen: list[PlanView] = []
    cursor: PageCursor | None = None
    pages = 0
    while True:
        page = await read_model.user_plans(user, limit=3, after=cursor)
        pages += 1
        seen.extend(page.plans)
        if page.next is None:
            break
        cursor = page.next
    assert seen == expected
    assert pages == 3


async def test_a_page_can_hold_only_active_or_only_archived_plans(
    read_model: PostgresPlanReadModel, conn: Connection
) -> None:
    user, expected = await user_with_plans(conn)
    active = await read_model.user_plans(user, limit=MAX_PAGE_SIZE, active=True)
    archived = await read_model.user_plans(user, limit=MAX_PAGE_SIZE, active=False)
    assert list(active.plans) == [view for view in expected if view.is_active]
    assert list(archived.plans) == [view for view in expected if not view.is_active]
    assert active.next is None
    assert archived.next is None


async def test_an_exactly_full_last_page_has_no_next_cursor(
    read_model: PostgresPlanReadModel, conn: Connection
) -> None:
    user, expected = await user_with_plans(conn)
    page = await read_model.user_plans(user, limit=len(expected))
    assert list(page.plans) == expected
    assert page.next is None


@pytest.mark.parametrize("limit", [0, -1, MAX_PAGE_SIZE + 1])
async def test_a_page_size_out_of_bounds_is_refused_with_a_code(
    read_model: PostgresPlanReadModel, limit: int
) -> None:
    with pytest.raises(InvalidPageSize) as refused:
        await read_model.user_plans(uuid.uuid4(), limit=limit)
    assert refused.value.code == "INVALID_PAGE_SIZE"
