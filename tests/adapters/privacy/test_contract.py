"""The `DataKeys` contract (`application.privacy.keys`), for every adapter: one key per subject, made once,
the same for every caller (racing ones too); forgetting deletes it for good and leaves a tombstone, so
nothing is sealed or opened for the subject again."""

from __future__ import annotations

import asyncio
import os
import uuid

import pytest

from application.privacy.keys import DataKeys
from domain.users.errors import UserErased
from tests.adapters.privacy.conftest import OtherCaller

RACERS = 10


def new_key() -> bytes:
    return os.urandom(32)


async def test_the_first_key_offered_becomes_the_subjects_and_every_caller_gets_it_after(
    data_keys: DataKeys, other_caller: OtherCaller
) -> None:
    subject, first = uuid.uuid4(), new_key()

    assert await data_keys.key_to_seal(subject, first) == first
    assert await data_keys.key_to_seal(subject, new_key()) == first
    other = await other_caller()
    assert await other.key_to_seal(subject, new_key()) == first
    assert await other.keys_to_open([subject]) == {subject: first}
    assert not await data_keys.is_forgotten(subject)


async def test_racing_callers_all_get_one_key(data_keys: DataKeys, other_caller: OtherCaller) -> None:
    callers = [await other_caller() for _ in range(RACERS)]
    for _round in range(3):
        subject = uuid.uuid4()
        offered = [new_key() for _ in callers]

        got = await asyncio.gather(
            *(caller.key_to_seal(subject, key) for caller, key in zip(callers, offered, strict=True))
        )

        assert len(set(got)) == 1
        assert got[0] in offered
        assert await data_keys.keys_to_open([subject]) == {subject: got[0]}


async def test_keys_to_open_gives_only_the_keys_that_exist(data_keys: DataKeys) -> None:
    sealed, also_sealed, never, forgotten = (uuid.uuid4() for _ in range(4))
    key, other_key = (
        await data_keys.key_to_seal(sealed, new_key()),
        await data_keys.key_to_seal(also_sealed, new_key()),
    )
    await data_keys.key_to_seal(forgotten, new_key())
    await data_keys.forget(forgotten)

    assert await data_keys.keys_to_open([sealed, also_sealed, never, forgotten]) == {
        sealed: key,
        also_sealed: other_key,
    }
    assert await data_keys.keys_to_open([never]) == {}
    assert await data_keys.keys_to_open([]) == {}
    assert not await data_keys.is_forgotten(never)


async def test_forget_deletes_the_key_once_and_leaves_a_tombstone(
    data_keys: DataKeys, other_caller: OtherCaller
) -> None:
    subject, bystander = uuid.uuid4(), uuid.uuid4()
    await data_keys.key_to_seal(subject, new_key())
    kept = await data_keys.key_to_seal(bystander, new_key())

    assert await data_keys.forget(subject) is True
    assert await data_keys.forget(subject) is False

    with pytest.raises(UserErased) as refused:
        await data_keys.key_to_seal(subject, new_key())
    assert refused.value.code == "USER_FORGOTTEN"
    other = await other_caller()
    with pytest.raises(UserErased):
        await other.key_to_seal(subject, new_key())
    assert await other.keys_to_open([subject, bystander]) == {bystander: kept}
    assert await other.is_forgotten(subject)
    assert not await other.is_forgotten(bystander)


async def test_forgetting_a_subject_never_sealed_for_returns_false_and_still_tombstones(
    data_keys: DataKeys,
) -> None:
    subject = uuid.uuid4()

    assert await data_keys.forget(subject) is False

    assert await data_keys.is_forgotten(subject)
    with pytest.raises(UserErased) as refused:
        await data_keys.key_to_seal(subject, new_key())
    assert refused.value.code == "USER_FORGOTTEN"
    assert await data_keys.keys_to_open([subject]) == {}
    assert await data_keys.forget(subject) is False


async def test_of_racing_forgets_exactly_one_deleted_the_key(
    data_keys: DataKeys, other_caller: OtherCaller
) -> None:
    subject = uuid.uuid4()
    await data_keys.key_to_seal(subject, new_key())
    callers = [await other_caller() for _ in range(RACERS // 2)]

    deleted = await asyncio.gather(*(caller.forget(subject) for caller in callers))

    assert sorted(deleted) == [False] * (len(callers) - 1) + [True]
    assert await data_keys.is_forgotten(subject)
