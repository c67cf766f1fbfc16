"""Profile updates through the command handler on PostgreSQL: results, expected versions, bad input."""

from __future__ import annotations

import uuid

import pytest

from domain.errors import ConcurrencyConflict, ValidationError
from domain.users import user_stream
from domain.users.commands import ProfileChanges
from domain.users.errors import UserNotFound
from domain.users.values import FitnessLevel, Gender
from tests.domain.users import born_years_before, unique_email


async def test_an_update_returns_the_user_as_that_write_left_it(accounts, store, clock):
    user_id = (await accounts.register(unique_email("profile"), "long enough password", "Ada")).user.user_id
    changes = ProfileChanges(
        date_of_birth=born_years_before(30, clock.now()),
        gender=Gender.FEMALE,
        height_cm=170,
        fitness_level=FitnessLevel.BEGINNER,
        preferences={"units": "metric"},
        injuries=("left knee",),
        available_equipment=("dumbbells",),
    )

    updated = await accounts.update_profile(user_id, changes)
    await accounts.update_profile(user_id, ProfileChanges(weight_kg=70))

    assert updated.stream_version == 2
    assert updated.user.profile.height_cm == 170.0
    assert updated.user.profile.weight_kg is None, "the result is the state after this write, not a later one"
    assert updated.position == (await store.read_stream(user_stream(user_id)))[1].position
    assert (await accounts.user(user_id)).profile.weight_kg == 70.0


async def test_a_stale_expected_version_is_a_conflict_with_the_current_version(accounts):
    user_id = (await accounts.register(unique_email(), "long enough password", "Ada")).user.user_id
    await accounts.update_profile(user_id, ProfileChanges(height_cm=180), expected_version=1)

    with pytest.raises(ConcurrencyConflict) as conflict:
        await accounts.update_profile(user_id, ProfileChanges(height_cm=181), expected_version=1)
    assert (conflict.value.code, conflict.value.current_version) == ("CONFLICT", 2)


async def test_bad_input_writes_nothing(accounts, store):
    user_id = (await accounts.register(unique_email(), "long enough password", "Ada")).user.user_id

    with pytest.raises(ValidationError) as refused:
        await accounts.update_profile(user_id, ProfileChanges(height_cm=180, weight_kg=5000))

    assert refused.value.field == "weight_kg"
    assert len(await store.read_stream(user_stream(user_id))) == 1


async def test_an_unknown_user_has_no_profile(accounts):
    with pytest.raises(UserNotFound) as missing:
        await accounts.update_profile(uuid.uuid4(), ProfileChanges(height_cm=180))
    assert missing.value.code == "USER_NOT_FOUND"
