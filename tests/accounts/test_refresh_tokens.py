"""Refresh tokens: rotation within a family, reuse revokes the family, expiry, logout, hashed storage."""

from __future__ import annotations

import asyncio
import hashlib
from datetime import timedelta

import psycopg
import pytest

from application.accounts import Accounts, AccountsConfig
from application.auth_errors import (
    RefreshTokenExpired,
    RefreshTokenInvalid,
    RefreshTokenReused,
    RefreshTokenRevoked,
)
from application.sessions import SignedIn
from domain.users.values import Role
from tests.accounts.conftest import CLAIM_GRACE
from tests.domain.users import unique_email

PASSWORD = "long enough password"
REUSE_INTERVAL = AccountsConfig().refresh_reuse_interval


async def signed_up(accounts: Accounts) -> SignedIn:
    return await accounts.register(unique_email("refresh"), PASSWORD, "Ada")


async def test_refreshing_rotates_the_token_within_the_same_session(accounts):
    first = await signed_up(accounts)

    second = await accounts.refresh(first.tokens.refresh_token)
    third = await accounts.refresh(second.tokens.refresh_token)

    assert len({first.tokens.refresh_token, second.tokens.refresh_token, third.tokens.refresh_token}) == 3
    assert first.session == second.session == third.session
    assert accounts.authenticate(third.tokens.access_token).session == first.session


async def test_reusing_a_rotated_token_after_the_reuse_interval_revokes_the_whole_family(accounts, clock):
    first = await signed_up(accounts)
    other_device = await accounts.login(first.user.email, PASSWORD)
    second = await accounts.refresh(first.tokens.refresh_token)
    clock.advance(REUSE_INTERVAL)

    with pytest.raises(RefreshTokenReused) as reused:
        await accounts.refresh(first.tokens.refresh_token)
    assert reused.value.code == "REFRESH_TOKEN_REUSED"

    with pytest.raises(RefreshTokenRevoked) as revoked:
        await accounts.refresh(second.tokens.refresh_token)
    assert revoked.value.code == "REFRESH_TOKEN_REVOKED"
    assert (await accounts.refresh(other_device.tokens.refresh_token)).session == other_device.session


async def test_concurrent_refreshes_of_one_token_all_get_the_same_successor(accounts):
    first = await signed_up(accounts)

    outcomes = await asyncio.gather(*(accounts.refresh(first.tokens.refresh_token) for _ in range(5)))

    assert len({outcome.tokens.refresh_token for outcome in outcomes}) == 1
    assert {outcome.tokens.refresh_expires_at for outcome in outcomes} == {
        outcomes[0].tokens.refresh_expires_at
    }
    assert {outcome.session for outcome in outcomes} == {first.session}
    third = await accounts.refresh(outcomes[0].tokens.refresh_token)
    assert third.session == first.session


async def test_a_repeat_just_before_the_end_of_the_reuse_interval_still_gets_the_successor(accounts, clock):
    first = await signed_up(accounts)
    second = await accounts.refresh(first.tokens.refresh_token)
    clock.advance(REUSE_INTERVAL - timedelta(milliseconds=1))

    again = await accounts.refresh(first.tokens.refresh_token)

    assert again.tokens.refresh_token == second.tokens.refresh_token


async def test_a_repeat_after_the_successor_was_used_is_a_reuse(accounts):
    first = await signed_up(accounts)
    second = await accounts.refresh(first.tokens.refresh_token)
    third = await accounts.refresh(second.tokens.refresh_token)

    with pytest.raises(RefreshTokenReused):
        await accounts.refresh(first.tokens.refresh_token)
    with pytest.raises(RefreshTokenRevoked):
        await accounts.refresh(third.tokens.refresh_token)


async def test_a_repeat_after_logging_out_is_refused(accounts):
    first = await signed_up(accounts)
    second = await accounts.refresh(first.tokens.refresh_token)
    assert await accounts.logout(second.tokens.refresh_token) is True

    with pytest.raises(RefreshTokenRevoked):
        await accounts.refresh(first.tokens.refresh_token)


async def test_with_no_reuse_interval_a_repeat_is_a_reuse(make_accounts):
    accounts = make_accounts(
        config=AccountsConfig(claim_grace=CLAIM_GRACE, refresh_reuse_interval=timedelta(0))
    )
    first = await signed_up(accounts)
    second = await accounts.refresh(first.tokens.refresh_token)

    with pytest.raises(RefreshTokenReused):
        await accounts.refresh(first.tokens.refresh_token)
    with pytest.raises(RefreshTokenRevoked):
        await accounts.refresh(second.tokens.refresh_token)


async def test_an_expired_refresh_token_is_refused(accounts, clock):
    first = await signed_up(accounts)
    clock.advance(AccountsConfig().refresh_token_ttl + timedelta(seconds=1))

    with pytest.raises(RefreshTokenExpired) as expired:
        await accounts.refresh(first.tokens.refresh_token)
    assert expired.value.code == "REFRESH_TOKEN_EXPIRED"


async def test_a_rotated_token_lives_for_the_full_period_from_its_rotation(accounts, clock):
    first = await signed_up(accounts)
    clock.advance(timedelta(days=20))
    second = await accounts.refresh(first.tokens.refresh_token)
    clock.advance(timedelta(days=20))

    assert (await accounts.refresh(second.tokens.refresh_token)).session == first.session
    assert second.tokens.refresh_expires_at == first.tokens.refresh_expires_at + timedelta(days=20)


async def test_logging_out_revokes_the_family(accounts):
    first = await signed_up(accounts)
    second = await accounts.refresh(first.tokens.refresh_token)

    assert await accounts.logout(second.tokens.refresh_token) is True

    for token in (first.tokens.refresh_token, second.tokens.refresh_token):
        with pytest.raises((RefreshTokenRevoked, RefreshTokenReused)):
            await accounts.refresh(token)
    assert await accounts.logout(second.tokens.refresh_token) is True, "logging out twice is harmless"


async def test_unknown_and_malformed_tokens_are_invalid(accounts):
    for token in ("never-issued-token", "", "é" * 10, "x" * 257):
        with pytest.raises(RefreshTokenInvalid) as invalid:
            await accounts.refresh(token)
        assert invalid.value.code == "REFRESH_TOKEN_INVALID"
        assert await accounts.logout(token) is False


async def test_tokens_are_stored_only_as_sha256_hashes(accounts, accounts_database_url):
    first = await signed_up(accounts)
    second = await accounts.refresh(first.tokens.refresh_token)

    async with await psycopg.AsyncConnection.connect(accounts_database_url) as conn:
        cursor = await conn.execute(
            "SELECT id, family_id, parent_id, token_hash, rotated_at IS NOT NULL"
            " FROM auth_tokens.refresh_tokens WHERE user_id = %s ORDER BY issued_at, parent_id NULLS FIRST",
            (first.user.user_id,),
        )
        rows = await cursor.fetchall()
        dump = await conn.execute("SELECT to_jsonb(t)::text FROM auth_tokens.refresh_tokens t")
        everything = " ".join(row[0] for row in await dump.fetchall())

    (
        (root_id, family, root_parent, root_hash, root_rotated),
        (_, child_family, parent, child_hash, rotated),
    ) = rows
    assert (family, child_family, root_parent, parent) == (first.session.session_id, family, None, root_id)
    assert (root_rotated, rotated) == (True, False)
    assert bytes(root_hash) == hashlib.sha256(first.tokens.refresh_token.encode()).digest()
    assert bytes(child_hash) == hashlib.sha256(second.tokens.refresh_token.encode()).digest()
    assert first.tokens.refresh_token not in everything
    assert second.tokens.refresh_token not in everything


async def test_a_rotated_token_keeps_its_successor_only_sealed_and_only_until_the_successor_rotates(
    accounts, accounts_database_url
):
    first = await signed_up(accounts)
    second = await accounts.refresh(first.tokens.refresh_token)

    async def seals() -> list[bytes | None]:
        """The seal of each token of the family, from the first along the chain of rotations."""
        async with await psycopg.AsyncConnection.connect(accounts_database_url) as conn:
            cursor = await conn.execute(
                "SELECT id, parent_id, successor_seal FROM auth_tokens.refresh_tokens WHERE user_id = %s",
                (first.user.user_id,),
            )
            rows = {parent: (token, seal) for token, parent, seal in await cursor.fetchall()}
        chain: list[bytes | None] = []
        parent = None
        while parent in rows:
            parent, seal = rows[parent]
            chain.append(None if seal is None else bytes(seal))
        return chain

    root_seal, child_seal = await seals()
    assert root_seal is not None
    assert child_seal is None
    assert second.tokens.refresh_token.encode() not in root_seal

    await accounts.refresh(second.tokens.refresh_token)
    root_seal, child_seal, grandchild_seal = await seals()
    assert (root_seal, grandchild_seal) == (None, None)
    assert child_seal is not None


async def test_a_refresh_carries_the_users_current_role(accounts):
    first = await signed_up(accounts)
    await accounts.set_role(first.user.user_id, Role.ADMIN)

    refreshed = await accounts.refresh(first.tokens.refresh_token)

    assert refreshed.session.role is Role.ADMIN
    assert accounts.authenticate(refreshed.tokens.access_token).session.role is Role.ADMIN


async def test_expired_families_can_be_purged(accounts, refresh_tokens, clock):
    first = await signed_up(accounts)
    later = clock.now() + AccountsConfig().refresh_token_ttl + timedelta(days=1)

    assert await refresh_tokens.purge_expired(later) >= 1
    with pytest.raises(RefreshTokenInvalid):
        await accounts.refresh(first.tokens.refresh_token)
