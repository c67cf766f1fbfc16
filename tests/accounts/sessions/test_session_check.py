"""`SessionCheck`: a live session is read once and then answered from the cache, on this replica and the
others; a role change reaches the next check, and a token of no known session or user is refused."""

from __future__ import annotations

import asyncio
import uuid

import pytest

from adapters.auth.access_tokens import JwtAccessTokens
from application.accounts import Accounts
from application.auth_ports import AccessClaims, Session
from application.session_check import SessionRevoked
from domain.users.values import Role
from tests.accounts.sessions.session_support import PASSWORD, Replica, Replicas, claims_of
from tests.domain.users import unique_email


async def test_a_live_session_is_read_once_then_answered_from_the_cache(
    accounts: Accounts, here: Replica, replicas: Replicas, access_tokens: JwtAccessTokens
) -> None:
    signed = await accounts.register(unique_email("session"), PASSWORD, "Ada")
    claims = claims_of(signed, access_tokens)
    there = await replicas.new()

    assert await here.check.check(claims) == signed.session
    assert await here.check.check(claims) == signed.session
    assert await there.check.check(claims) == signed.session
    assert (here.tokens.reads, there.tokens.reads) == (1, 0)


async def test_a_session_started_after_the_answer_was_cached_is_read_once_too(
    accounts: Accounts, here: Replica, access_tokens: JwtAccessTokens
) -> None:
    email = unique_email("session")
    first = await accounts.register(email, PASSWORD, "Ada")
    await here.check.check(claims_of(first, access_tokens))
    second = await accounts.login(email, PASSWORD)  # another device

    for _ in range(3):
        assert await here.check.check(claims_of(second, access_tokens)) == second.session
        assert await here.check.check(claims_of(first, access_tokens)) == first.session
    assert here.tokens.reads == 2


async def test_a_role_change_reaches_the_next_check_though_the_token_still_says_the_old_role(
    accounts: Accounts, here: Replica, replicas: Replicas, access_tokens: JwtAccessTokens
) -> None:
    signed = await accounts.register(unique_email("session"), PASSWORD, "Ada")
    claims = claims_of(signed, access_tokens)
    there = await replicas.new()
    for replica in (here, there):
        assert (await replica.check.check(claims)).role is Role.USER

    await accounts.set_role(signed.user.user_id, Role.ADMIN)

    assert claims.session.role is Role.USER
    assert await here.check.check(claims) == Session(
        signed.user.user_id, Role.ADMIN, claims.session.session_id
    )
    for _ in range(200):
        if (await there.check.check(claims)).role is Role.ADMIN:
            break
        await asyncio.sleep(0.01)
    assert (await there.check.check(claims)).role is Role.ADMIN


async def test_a_token_of_no_known_session_or_user_is_refused(
    accounts: Accounts, here: Replica, access_tokens: JwtAccessTokens
) -> None:
    signed = await accounts.register(unique_email("session"), PASSWORD, "Ada")
    claims = claims_of(signed, access_tokens)
    for session in (
        Session(signed.user.user_id, Role.USER, uuid.uuid4()),
        Session(uuid.uuid4(), Role.USER, signed.session.session_id),
    ):
        forged = AccessClaims(session, claims.token_id, claims.issued_at, claims.expires_at)
        with pytest.raises(SessionRevoked):
            await here.check.check(forged)
