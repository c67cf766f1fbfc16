"""`PostgresLibraryReadModel`: search by full text and trigrams (typos included), ranked; every filter;
pages and their total; retired exercises out of search but readable by id."""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass

import pytest

from adapters.postgres.library_read_model import PostgresLibraryReadModel
from adapters.postgres.store import PostgresEventStore
from application.library_views import ExerciseSearch
from application.plan_reads import InvalidPageSize
from domain.library.contraindications import Contraindication
from domain.library.values import Category, Equipment, Level, MovementPattern, Muscle
from tests.projections.conftest import projector_database
from tests.projections.library.library_support import CATALOGUE, Library, definition, project

RETIRED = definition("T_Old_Bench_Press", "Bench Press Machine (old)")


@dataclass
class Searchable:
    model: PostgresLibraryReadModel
    retired_at: int

    async def ids(self, search: ExerciseSearch, *, limit: int = 50) -> list[str]:
        page = await self.model.search(search, limit=limit, offset=0)
        return [view.id for view in page.exercises]


@pytest.fixture(scope="module")
async def searchable() -> AsyncIterator[Searchable]:
    async with projector_database() as url:
        store = await PostgresEventStore.connect(url, max_size=2)
        model = await PostgresLibraryReadModel.connect(url)
        try:
            library = Library(store)
            await library.define(*CATALOGUE, RETIRED)
            retired_at = await library.retire(RETIRED.exercise_id)
            await project(store, url)
            yield Searchable(model, retired_at)
        finally:
            await model.close()
            await store.close()


def text(value: str) -> ExerciseSearch:
    return ExerciseSearch(text=value)


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("bench press", "T_Bench_Press"),
        ("benchpress", "T_Bench_Press"),
        ("Bench-Press", "T_Bench_Press"),
        ("squatt", "T_Back_Squat"),
        ("dedlift", "T_Deadlift"),
        ("shoulder pres", "T_Shoulder_Press"),
        ("sholder press", "T_Shoulder_Press"),
        ("air squat", "T_Air_Squat"),  # an alias
        ("hamstring", "T_Hamstring_Stretch"),
        ("seated row", "T_Cable_Row"),
    ],
)
async def test_a_text_finds_its_exercise_first_typos_included(
    searchable: Searchable, typed: str, found: str
) -> None:
    found_first = await searchable.ids(text(typed))
    assert found_first[0] == found
    if typed == "squatt":
        assert found_first[1] == "T_Air_Squat"  # the other squat, next


async def test_a_full_text_match_ranks_above_a_partial_one(searchable: Searchable) -> None:
    found = await searchable.ids(text("bench press"))
    assert found[:2] == ["T_Bench_Press", "T_Incline_Dumbbell_Press"]  # the shorter, closer name first
    squats = await searchable.ids(text("squat"))
    assert set(squats[:2]) == {"T_Air_Squat", "T_Back_Squat"}


async def test_a_text_matching_nothing_finds_nothing(searchable: Searchable) -> None:
    page = await searchable.model.search(text("zzyzx quokka"), limit=10, offset=0)
    assert (page.exercises, page.total) == ((), 0)


async def test_without_text_exercises_come_by_name(searchable: Searchable) -> None:
    page = await searchable.model.search(ExerciseSearch(), limit=50, offset=0)
    names = [view.name for view in page.exercises]
    assert names == sorted(names)
    assert page.total == len(CATALOGUE)


async def test_muscles_match_any_primary_muscle(searchable: Searchable) -> None:
    found = await searchable.ids(ExerciseSearch(muscles=frozenset({Muscle.HAMSTRINGS, Muscle.BICEPS})))
    # The deadlift trains the hamstrings only secondarily.
    assert sorted(found) == ["T_Curl_Press", "T_Hamstring_Stretch"]


async def test_equipment_matches_any_piece(searchable: Searchable) -> None:
    found = await searchable.ids(ExerciseSearch(equipment=frozenset({Equipment.BANDS, Equipment.CABLE})))
    assert sorted(found) == ["T_Cable_Row", "T_Curl_Press"]


async def test_level_category_and_pattern_narrow(searchable: Searchable) -> None:
    assert await searchable.ids(ExerciseSearch(level=Level.EXPERT)) == ["T_Deadlift"]
    assert await searchable.ids(ExerciseSearch(category=Category.PLYOMETRICS)) == ["T_Box_Jump"]
    assert sorted(await searchable.ids(ExerciseSearch(pattern=MovementPattern.VERTICAL_PUSH))) == [
        "T_Curl_Press",
        "T_Shoulder_Press",
    ]
    both = ExerciseSearch(pattern=MovementPattern.SQUAT, level=Level.BEGINNER)
    assert await searchable.ids(both) == ["T_Air_Squat"]


async def test_excluded_contraindications_drop_what_carries_any_of_them(searchable: Searchable) -> None:
    exclude = frozenset({Contraindication.DEEP_KNEE_FLEXION_LOADED, Contraindication.OVERHEAD_PRESSING})
    found = await searchable.ids(ExerciseSearch(exclude=exclude))
    assert sorted(found) == sorted(e.exercise_id for e in CATALOGUE if not set(e.contraindications) & exclude)
    assert {"T_Air_Squat", "T_Back_Squat", "T_Shoulder_Press", "T_Curl_Press"}.isdisjoint(found)


async def test_available_equipment_keeps_what_needs_nothing_more(searchable: Searchable) -> None:
    nothing = await searchable.ids(ExerciseSearch(available_equipment=frozenset()))
    assert sorted(nothing) == ["T_Air_Squat", "T_Hamstring_Stretch"]  # body only, and none at all
    dumbbells = await searchable.ids(ExerciseSearch(available_equipment=frozenset({Equipment.DUMBBELL})))
    # The curl to press needs bands as well as dumbbells.
    assert sorted(dumbbells) == [
        "T_Air_Squat",
        "T_Hamstring_Stretch",
        "T_Incline_Dumbbell_Press",
        "T_Shoulder_Press",
    ]


async def test_filters_and_text_combine(searchable: Searchable) -> None:
    search = ExerciseSearch(text="press", available_equipment=frozenset({Equipment.DUMBBELL}))
    assert sorted(await searchable.ids(search)) == ["T_Incline_Dumbbell_Press", "T_Shoulder_Press"]


async def test_pages_carry_the_total_and_follow_on(searchable: Searchable) -> None:
    first = await searchable.model.search(ExerciseSearch(), limit=4, offset=0)
    second = await searchable.model.search(ExerciseSearch(), limit=4, offset=4)
    last = await searchable.model.search(ExerciseSearch(), limit=4, offset=8)
    beyond = await searchable.model.search(ExerciseSearch(), limit=4, offset=40)
    assert [page.total for page in (first, second, last, beyond)] == [len(CATALOGUE)] * 4
    assert (first.has_next, second.has_next, last.has_next, beyond.has_next) == (True, True, False, False)
    ids = [view.id for page in (first, second, last) for view in page.exercises]
    assert sorted(ids) == sorted(e.exercise_id for e in CATALOGUE)
    assert beyond.exercises == ()
    assert first.generation == beyond.generation == searchable.retired_at  # the newest change


async def test_a_retired_exercise_leaves_search_but_is_read_by_id(searchable: Searchable) -> None:
    assert RETIRED.exercise_id not in await searchable.ids(text("bench press machine"))
    found = await searchable.model.exercises([RETIRED.exercise_id, "T_Bench_Press", "No_Such_Exercise"])
    assert set(found) == {RETIRED.exercise_id, "T_Bench_Press"}
    retired = found[RETIRED.exercise_id]
    assert (retired.retired, retired.version, retired.name) == (True, 2, "Bench Press Machine (old)")
    assert found["T_Bench_Press"].contraindications == ("supine_prolonged", "heavy_isometric_valsalva")


async def test_a_page_size_out_of_bounds_is_refused(searchable: Searchable) -> None:
    with pytest.raises(InvalidPageSize):
        await searchable.model.search(ExerciseSearch(), limit=0, offset=0)
    with pytest.raises(InvalidPageSize):
        await searchable.model.search(ExerciseSearch(), limit=101, offset=0)
