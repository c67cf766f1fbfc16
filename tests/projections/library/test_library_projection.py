"""The `library` projection: define, revise and retire reach `library.exercises`; the row equals the
domain's fold of the stream however the log is batched; replays change nothing; a rebuild gives the same
rows; the search cache's generation is invalidated at the position of each change."""

from __future__ import annotations

import psycopg

from adapters.postgres.store import PostgresEventStore
from application.cache import CacheKey, Invalidation
from application.library_views import LIBRARY_PROJECTION
from domain.library.commands import ExerciseChanges
from domain.library.values import Level
from projections.batch import apply_batch
from projections.library.projection import LibraryProjection
from projections.rebuild import rebuild
from projections.registry import projection_named
from tests.projections.conftest import projector_database
from tests.projections.library.library_support import CATALOGUE, Library, definition, project, rows
from tests.projections.projector_support import write_workload


async def test_define_revise_retire_reach_the_row(
    projection_store: PostgresEventStore, projection_url: str
) -> None:
    library = Library(projection_store)
    bench = CATALOGUE[0]
    defined_at = await library.define(bench)
    await project(projection_store, projection_url)
    row = (await rows(projection_url))[bench.exercise_id]
    assert row["slug"] == "t-bench-press"
    assert (row["name"], row["aliases"], row["category"], row["level"]) == (
        "Bench Press",
        ["Flat Bench"],
        "strength",
        "intermediate",
    )
    assert (row["force"], row["mechanic"]) == (None, None)
    assert row["equipment"] == ["barbell"]
    assert (row["primary_muscles"], row["secondary_muscles"]) == (["chest"], ["triceps", "shoulders"])
    assert row["patterns"] == ["horizontal_push"]
    assert row["contraindications"] == ["supine_prolonged", "heavy_isometric_valsalva"]
    assert (row["cues"], row["variations"]) == (
        ["Shoulder blades back and down"],
        ["T_Incline_Dumbbell_Press"],
    )
    assert (row["retired"], row["version"], row["last_position"]) == (False, 1, defined_at)
    assert {"  b", "chp", "hpr"} <= set(row["trigrams"])  # "chp": of "benchpress", the name without spaces

    revised_at = await library.revise(
        bench.exercise_id, ExerciseChanges(name="Barbell Bench Press", level=Level.EXPERT)
    )
    await project(projection_store, projection_url)
    row = (await rows(projection_url))[bench.exercise_id]
    assert (row["name"], row["level"], row["version"], row["last_position"]) == (
        "Barbell Bench Press",
        "expert",
        2,
        revised_at,
    )
    assert row["slug"] == "t-bench-press"  # a slug stays

    retired_at = await library.retire(bench.exercise_id, "superseded")
    await project(projection_store, projection_url)
    row = (await rows(projection_url))[bench.exercise_id]
    assert (row["retired"], row["retired_reason"], row["version"], row["last_position"]) == (
        True,
        "superseded",
        3,
        retired_at,
    )
    assert row["name"] == "Barbell Bench Press"  # the retirement keeps the definition


async def test_the_rows_are_the_same_however_the_log_is_batched_and_replays_change_nothing(
    projection_store: PostgresEventStore, projection_url: str
) -> None:
    library = Library(projection_store)
    await write_workload(projection_store, plans=2, commands=10, seed=3)  # other streams in between
    await library.define(*CATALOGUE)
    await library.revise("T_Back_Squat", ExerciseChanges(aliases=("High Bar Squat",)))
    await write_workload(projection_store, plans=1, commands=5, seed=4)
    await library.retire("T_Box_Jump")
    await library.revise("T_Deadlift", ExerciseChanges(level=Level.INTERMEDIATE))
    events = await projection_store.read_all(limit=10_000)

    await project(projection_store, projection_url, batch=1)
    one_by_one = await rows(projection_url)
    assert len(one_by_one) == len(CATALOGUE)
    assert one_by_one["T_Box_Jump"]["retired"]
    assert one_by_one["T_Back_Squat"]["aliases"] == ["High Bar Squat"]

    projection = LibraryProjection()
    async with await psycopg.AsyncConnection.connect(projection_url, autocommit=True) as conn:
        # Past the checkpoint: the batch is dropped whole.
        assert (await apply_batch(conn, projection, events)).applied == 0
        # Below it, straight into the projection: the version guard keeps every row, and nothing is stale.
        async with conn.transaction():
            assert await projection.apply(conn, projection.schema, events) == []
    assert await rows(projection_url) == one_by_one

    async with await psycopg.AsyncConnection.connect(projection_url, autocommit=True) as conn:
        await conn.execute("TRUNCATE library.exercises")
        await conn.execute(
            "UPDATE projections.checkpoints SET position = 0 WHERE name = %s", (LIBRARY_PROJECTION,)
        )
    await project(projection_store, projection_url, batch=10_000)
    assert await rows(projection_url) == one_by_one


async def test_a_rebuild_gives_the_same_rows(
    projection_store: PostgresEventStore, projection_url: str
) -> None:
    library = Library(projection_store)
    await library.define(*CATALOGUE)
    await library.revise("T_Air_Squat", ExerciseChanges(name="Air Squat", aliases=()))
    await library.retire("T_Cable_Row")
    await project(projection_store, projection_url)
    live = await rows(projection_url)

    await rebuild(projection_store, projection_url, projection_named(LIBRARY_PROJECTION), page_size=4)
    assert await rows(projection_url) == live
    # Two exercises in memory at most: flushed, forgotten and loaded back as their streams go on.
    await rebuild(projection_store, projection_url, LibraryProjection(replay_max_exercises=2), page_size=3)
    assert await rows(projection_url) == live


async def test_a_change_invalidates_the_search_generation_at_its_position(
    projection_store: PostgresEventStore, projection_url: str
) -> None:
    library = Library(projection_store)
    first = await library.define(CATALOGUE[0])
    second = await library.define(CATALOGUE[1])
    projection = LibraryProjection()
    events = await projection_store.read_all()
    async with await psycopg.AsyncConnection.connect(projection_url, autocommit=True) as conn:
        outcome = await apply_batch(conn, projection, events[:1])
        assert outcome.invalidations == [Invalidation(CacheKey.library_generation(), first)]
        outcome = await apply_batch(conn, projection, events)
        assert outcome.invalidations == [Invalidation(CacheKey.library_generation(), second)]


async def test_ids_sharing_a_slug_get_distinct_slugs() -> None:
    async with projector_database() as url:
        store = await PostgresEventStore.connect(url, max_size=2)
        try:
            library = Library(store)
            await library.define(definition("Push_Up", "Push-up"), definition("push-up", "Push up"))
            await project(store, url)  # both in one batch
            await library.define(definition("PUSH_UP", "PUSH UP"))
            await project(store, url)  # against a stored row
            slugs = {exercise_id: row["slug"] for exercise_id, row in (await rows(url)).items()}
        finally:
            await store.close()
    assert slugs["Push_Up"] == "push-up"
    assert len(set(slugs.values())) == 3
    assert all(slug.startswith("push-up-") for exercise_id, slug in slugs.items() if exercise_id != "Push_Up")
