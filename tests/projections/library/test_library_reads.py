"""`LibraryReads` on the real Redis and PostgreSQL: a search is cached under the library's generation,
served from the cache until the projection changes a row, then read afresh; a writer that read the old
generation cannot put it back; with Redis gone, searches answer from PostgreSQL."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import psycopg
import pytest

from adapters.postgres.library_read_model import PostgresLibraryReadModel
from adapters.postgres.store import PostgresEventStore
from adapters.redis.cache import RedisCache
from application.cache import CacheKey
from application.library_reads import LibraryReads, search_hash
from application.library_views import ExerciseSearch, LibraryExerciseView, SearchPage
from domain.library.commands import ExerciseChanges
from domain.library.values import Equipment
from projections.batch import apply_batch
from projections.invalidation import CacheInvalidator
from projections.library.projection import LibraryProjection
from tests.adapters.api_ports.redis_server import RedisServer
from tests.api.server import REDIS_URL
from tests.projections.conftest import projector_database
from tests.projections.library.library_support import CATALOGUE, Library, project


@dataclass
class CountedReadModel:
    """The real read model, counting the searches that reach PostgreSQL."""

    real: PostgresLibraryReadModel
    searches: list[ExerciseSearch] = field(default_factory=list)

    async def search(self, search: ExerciseSearch, *, limit: int, offset: int) -> SearchPage:
        self.searches.append(search)
        return await self.real.search(search, limit=limit, offset=offset)

    async def exercises(self, ids: Sequence[str]) -> dict[str, LibraryExerciseView]:
        return await self.real.exercises(ids)

    async def generation(self) -> int:
        return await self.real.generation()


@dataclass
class Rig:
    url: str
    store: PostgresEventStore
    library: Library
    model: CountedReadModel
    cache: RedisCache


@pytest.fixture
async def rig() -> AsyncIterator[Rig]:
    async with projector_database() as url:
        store = await PostgresEventStore.connect(url, max_size=2)
        real = await PostgresLibraryReadModel.connect(url)
        cache = await RedisCache.connect(REDIS_URL, prefix=f"fitcoach-test-{uuid.uuid4().hex[:12]}:")
        try:
            library = Library(store)
            await library.define(*CATALOGUE)
            await project(store, url)
            yield Rig(url, store, library, CountedReadModel(real), cache)
        finally:
            await cache.close()
            await real.close()
            await store.close()


async def project_and_invalidate(rig: Rig) -> None:
    """What the runner does: apply the batch, then tell the cache what it made stale."""
    after = (await rig.store.read_all(limit=10_000))[-1].position
    async with await psycopg.AsyncConnection.connect(rig.url, autocommit=True) as conn:
        cursor = await conn.execute("SELECT position FROM projections.checkpoints WHERE name = 'library'")
        row = await cursor.fetchone()
        assert row is not None
        events = await rig.store.read_all(after=row[0])
        outcome = await apply_batch(conn, LibraryProjection(), events)
    assert outcome.position == after
    await CacheInvalidator(rig.cache, "library").invalidate(outcome.invalidations)


PRESSES = ExerciseSearch(text="press", available_equipment=frozenset({Equipment.DUMBBELL}))


async def test_a_search_is_cached_until_the_library_changes(rig: Rig) -> None:
    reads = LibraryReads(rig.model, rig.cache)
    first = await reads.search(PRESSES, limit=10)
    again = await reads.search(PRESSES, limit=10)
    assert again == first
    assert len(rig.model.searches) == 1  # the second came from the cache
    assert [view.name for view in first.exercises] == [
        "Dumbbell Shoulder Press",
        "Incline Dumbbell Bench Press",
    ]

    await reads.search(PRESSES, limit=5)  # another page size: another entry
    await reads.search(ExerciseSearch(text="press"), limit=10)
    assert len(rig.model.searches) == 3

    await rig.library.revise("T_Shoulder_Press", ExerciseChanges(name="Dumbbell Overhead Press"))
    await project_and_invalidate(rig)
    revised = await reads.search(PRESSES, limit=10)
    assert len(rig.model.searches) == 4
    assert revised.generation > first.generation
    assert [view.name for view in revised.exercises] == [
        "Dumbbell Overhead Press",
        "Incline Dumbbell Bench Press",
    ]
    assert await reads.search(PRESSES, limit=10) == revised
    assert len(rig.model.searches) == 4


async def test_a_reader_of_the_old_generation_cannot_put_it_back(rig: Rig) -> None:
    reads = LibraryReads(rig.model, rig.cache)
    old = await reads.search(PRESSES, limit=10)
    await rig.library.retire("T_Shoulder_Press")
    await project_and_invalidate(rig)
    # A slow reader that read the library before the change writes its answer only now.
    assert not await rig.cache.put(CacheKey.library_generation(), old.generation, old.generation)
    fresh = await reads.search(PRESSES, limit=10)
    assert [view.id for view in fresh.exercises] == ["T_Incline_Dumbbell_Press"]
    cached = await rig.cache.get(CacheKey.library_generation())
    assert cached is not None
    assert cached.value == fresh.generation
    stored = await rig.cache.get(
        CacheKey.library_search(fresh.generation, search_hash(PRESSES, limit=10, offset=0))
    )
    assert stored is not None


async def test_with_redis_gone_searches_answer_from_postgresql(rig: Rig, tmp_path: Path) -> None:
    server = RedisServer(tmp_path)
    await server.start()
    cache = await RedisCache.connect(server.url, prefix="fitcoach-test-down:", backoff=(0.05, 0.2))
    squats = ExerciseSearch(text="squat")
    try:
        reads = LibraryReads(rig.model, cache)
        cached = await reads.search(PRESSES, limit=10)
        expected = await rig.model.real.search(squats, limit=10, offset=0)
        await server.kill()
        answers = [await reads.search(PRESSES, limit=10) for _ in range(5)]
        fresh = [await reads.search(squats, limit=10) for _ in range(5)]
        assert all(answer == cached for answer in answers)  # from L1 until the outage shows, then PostgreSQL
        assert all(answer == expected for answer in fresh)
        assert rig.model.searches.count(squats) == 5  # never cached meanwhile: each read PostgreSQL
    finally:
        await cache.close()
        await server.kill()
