"""`ResponseCache` on the cache contract's in-memory adapter: exact with respect to read positions."""

from __future__ import annotations

from uuid import uuid4

from adapters.memory.cache import InMemoryCache
from application.cache import CacheKey, Invalidation
from application.response_cache import ResponseCache, entry_version, result_key, stale_responses


class Checkpoints:
    def __init__(self, **positions: int) -> None:
        self.positions = positions

    def position(self, name: str) -> int:
        return self.positions.get(name, 0)


ADA = uuid4()
PAGE = result_key("{ workoutPlans { edges { node { name } } } }", None, None)
ONE = result_key("query($id: ID!) { workoutPlan(id: $id) { name } }", {"id": "x"}, None)


def responses(
    workout_plans: int = 10, users: int = 12, coaching: int = 11
) -> tuple[ResponseCache, InMemoryCache, Checkpoints]:
    cache = InMemoryCache()
    checkpoints = Checkpoints(workout_plans=workout_plans, users=users, coaching=coaching)
    return ResponseCache(cache, checkpoints), cache, checkpoints


async def test_results_are_read_at_the_lowest_checkpoint_of_the_projections_they_read():
    cached, _, _ = responses(workout_plans=10, users=12, coaching=11)
    assert cached.read_position() == 10
    lagging, _, _ = responses(workout_plans=10, users=12, coaching=8)  # node(id) reads coaching's
    assert lagging.read_position() == 8


def test_each_users_results_are_stale_from_the_newest_change_to_their_data():
    bob = uuid4()
    assert stale_responses([(ADA, 5), (bob, 7), (ADA, 9), (ADA, 3)]) == [
        Invalidation(CacheKey.responses(ADA), entry_version(9)),
        Invalidation(CacheKey.responses(bob), entry_version(7)),
    ]


async def test_results_read_at_one_position_share_the_entry():
    cached, _, _ = responses()
    assert await cached.put(ADA, PAGE, {"page": 1}, read_position=10)
    assert await cached.put(ADA, ONE, {"one": 1}, read_position=10)
    assert await cached.get(ADA, PAGE) == {"page": 1}
    assert await cached.get(ADA, ONE) == {"one": 1}


async def test_a_result_read_at_a_newer_position_starts_a_new_entry():
    cached, _, _ = responses()
    await cached.put(ADA, PAGE, {"page": "old"}, read_position=10)
    assert await cached.put(ADA, ONE, {"one": "new"}, read_position=11)
    assert await cached.get(ADA, PAGE) is None  # read at 10: it must not be vouched for at 11
    assert await cached.get(ADA, ONE) == {"one": "new"}


async def test_a_change_the_results_may_not_show_drops_them_and_refuses_late_writes():
    cached, cache, _ = responses()
    await cached.put(ADA, PAGE, {"page": "before"}, read_position=10)
    await cache.invalidate(CacheKey.responses(ADA), entry_version(11))  # the projector, change at 11
    assert await cached.get(ADA, PAGE) is None
    assert not await cached.put(ADA, PAGE, {"page": "read before the change"}, read_position=10)
    assert await cached.put(ADA, PAGE, {"page": "after"}, read_position=11)
    assert await cached.get(ADA, PAGE) == {"page": "after"}


async def test_a_change_the_results_already_show_keeps_them():
    cached, cache, _ = responses()
    await cached.put(ADA, PAGE, {"page": "shows 9"}, read_position=10)
    await cache.invalidate(CacheKey.responses(ADA), entry_version(9))
    assert await cached.get(ADA, PAGE) == {"page": "shows 9"}


async def test_users_do_not_share_results_and_nothing_is_cached_before_any_checkpoint():
    cached, _, _ = responses()
    await cached.put(ADA, PAGE, {"page": "ada"}, read_position=10)
    assert await cached.get(uuid4(), PAGE) is None
    assert not await cached.put(ADA, ONE, {"one": 1}, read_position=0)


async def test_an_entry_holds_a_bounded_number_of_results():
    cache = InMemoryCache()
    cached = ResponseCache(cache, Checkpoints(workout_plans=5, users=5), max_documents=2)
    keys = [result_key(f"{{ q{i} }}", None, None) for i in range(3)]
    for key in keys:
        assert await cached.put(ADA, key, {"k": key}, read_position=5)
    assert await cached.get(ADA, keys[0]) is None
    assert [await cached.get(ADA, key) for key in keys[1:]] == [{"k": keys[1]}, {"k": keys[2]}]
