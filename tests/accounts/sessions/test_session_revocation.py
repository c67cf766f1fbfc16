"""`SessionCheck` after a session ends: logout, ending it by its id, a password change or a reused refresh
token refuse it at the next check here and within a moment on the other replicas, even racing a read."""

from __future__ import annotations

import asyncio

import pytest

from adapters.auth.access_tokens import JwtAccessTokens
from application.accounts import Accounts, AccountsConfig
from application.auth_errors import RefreshTokenReused
from application.session_check import SessionRevoked
from tests.accounts.sessions.session_support import PASSWORD, Replica, Replicas, claims_of, refused_within
from tests.domain.users import ManualClock, unique_email


async def test_logout_ends_the_session_here_at_once_and_on_other_replicas_within_a_moment(
    accounts: Accounts, here: Replica, replicas: Replicas, access_tokens: JwtAccessTokens
) -> None:
    email = unique_email("session")
    phone, laptop = await accounts.register(email, PASSWORD, "Ada"), await accounts.login(email, PASSWORD)
    there = await replicas.new()
    for replica in (here, there):
        for signed in (phone, laptop):
            await replica.check.check(claims_of(signed, access_tokens))

    assert await accounts.logout(phone.tokens.refresh_token)

    with pytest.raises(SessionRevoked) as refused:
        await here.check.check(claims_of(phone, access_tokens))
    assert refused.value.code == "SESSION_REVOKED"
    assert await refused_within(there.check, claims_of(phone, access_tokens))
    for replica in (here, there):
        assert await replica.check.check(claims_of(laptop, access_tokens)) == laptop.session


async def test_ending_a_session_by_its_id_refuses_it_but_only_the_owner_may(
    accounts: Accounts, here: Replica, access_tokens: JwtAccessTokens
) -> None:
    email = unique_email("session")
    phone, laptop = await accounts.register(email, PASSWORD, "Ada"), await accounts.login(email, PASSWORD)
    other = await accounts.register(unique_email("session"), PASSWORD, "Bob")
    for signed in (phone, laptop):
        await here.check.check(claims_of(signed, access_tokens))

    assert not await accounts.end_session(other.user.user_id, phone.session.session_id)
    assert await here.check.check(claims_of(phone, access_tokens)) == phone.session
    assert await accounts.end_session(phone.user.user_id, phone.session.session_id)

    with pytest.raises(SessionRevoked):
        await here.check.check(claims_of(phone, access_tokens))
    assert await here.check.check(claims_of(laptop, access_tokens)) == laptop.session


async def test_a_password_change_ends_every_other_session(
    accounts: Accounts, here: Replica, access_tokens: JwtAccessTokens
) -> None:
    email = unique_email("session")
    phone, laptop = await accounts.register(email, PASSWORD, "Ada"), await accounts.login(email, PASSWORD)
    for signed in (phone, laptop):
        await here.check.check(claims_of(signed, access_tokens))

    renewed = await accounts.change_password(phone.user.user_id, PASSWORD, PASSWORD + " and more")

    for signed in (phone, laptop):
        with pytest.raises(SessionRevoked):
            await here.check.check(claims_of(signed, access_tokens))
    assert await here.check.check(claims_of(renewed, access_tokens)) == renewed.session


async def test_a_reused_refresh_token_ends_its_session(
    accounts: Accounts, here: Replica, access_tokens: JwtAccessTokens, clock: ManualClock
) -> None:
    signed = await accounts.register(unique_email("session"), PASSWORD, "Ada")
    rotated = await accounts.refresh(signed.tokens.refresh_token)
    await here.check.check(claims_of(rotated, access_tokens))
    clock.advance(AccountsConfig().refresh_reuse_interval)

    with pytest.raises(RefreshTokenReused):
        await accounts.refresh(signed.tokens.refresh_token)  # a copy of the old token came back

    with pytest.raises(SessionRevoked):
        await here.check.check(claims_of(rotated, access_tokens))


async def test_a_check_that_read_before_a_logout_cannot_cache_the_ended_session(
    accounts: Accounts, here: Replica, access_tokens: JwtAccessTokens
) -> None:
    signed = await accounts.register(unique_email("session"), PASSWORD, "Ada")
    claims = claims_of(signed, access_tokens)
    here.tokens.hold = asyncio.Event()
    racing = asyncio.create_task(here.check.check(claims))
    await asyncio.wait_for(here.tokens.read_done.wait(), 5)  # it read the session as live, then stalls

    await accounts.logout(signed.tokens.refresh_token)
    here.tokens.hold.set()
    await racing  # it answered for a request that ran beside the logout; what it tries to cache is old
    here.tokens.hold = None

    with pytest.raises(SessionRevoked):
        await here.check.check(claims)
