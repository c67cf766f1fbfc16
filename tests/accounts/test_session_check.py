"""`SessionCheck`: a live session is answered from the cache; logout, reuse, a password or role change
reach the next check at once on this replica and within a moment on the others; Redis down falls back
to PostgreSQL. All on the real PostgreSQL and Redis."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from adapters.auth_jwt import JwtAccessTokens
from adapters.postgres_refresh_tokens import PostgresRefreshTokens
from adapters.postgres_store import PostgresEventStore
from application.accounts import Accounts, AccountsConfig
from application.auth_errors import RefreshTokenReused
from application.auth_ports import AccessClaims, IdTokenVerifier, Session
from application.session_check import SessionRevoked
from domain.users.values import Role
from tests.accounts import ManualClock, unique_email
from tests.accounts.conftest import CLAIM_GRACE, cheap_hasher
from tests.accounts.session_support import Replica, Replicas, claims_of, refused_within
from tests.api_support.redis_server import RedisServer

PASSWORD = "long enough password"
AccountsOn = Callable[[Replica], Accounts]


@pytest.fixture
async def replicas(
    store: PostgresEventStore, refresh_tokens: PostgresRefreshTokens, clock: ManualClock
) -> AsyncIterator[Replicas]:
    made = Replicas(store, refresh_tokens, clock)
    yield made
    await made.close()


@pytest.fixture
async def here(replicas: Replicas) -> Replica:
    return await replicas.new()


@pytest.fixture
def accounts_on(
    store: PostgresEventStore,
    refresh_tokens: PostgresRefreshTokens,
    access_tokens: JwtAccessTokens,
    id_tokens: IdTokenVerifier,
    clock: ManualClock,
) -> AccountsOn:
    """The accounts use cases of a replica, invalidating through its session check."""

    def build(replica: Replica) -> Accounts:
        return Accounts(
            store,
            passwords=cheap_hasher(),
            access_tokens=access_tokens,
            refresh_tokens=refresh_tokens,
            id_tokens=id_tokens,
            clock=clock,
            config=AccountsConfig(claim_grace=CLAIM_GRACE),
            session_check=replica.check,
        )

    return build


@pytest.fixture
def accounts(accounts_on: AccountsOn, here: Replica) -> Accounts:
    return accounts_on(here)


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


async def test_a_reused_refresh_token_ends_its_session(
    accounts: Accounts, here: Replica, access_tokens: JwtAccessTokens
) -> None:
    signed = await accounts.register(unique_email("session"), PASSWORD, "Ada")
    rotated = await accounts.refresh(signed.tokens.refresh_token)
    await here.check.check(claims_of(rotated, access_tokens))

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


async def test_with_redis_down_checks_fall_back_to_postgres(
    accounts_on: AccountsOn, replicas: Replicas, access_tokens: JwtAccessTokens, tmp_path: Path
) -> None:
    redis = RedisServer(tmp_path)
    await redis.start()
    try:
        replica = await replicas.new(redis.url)
        accounts = accounts_on(replica)
        email = unique_email("session")
        phone, laptop = await accounts.register(email, PASSWORD, "Ada"), await accounts.login(email, PASSWORD)
        for signed in (phone, laptop):
            await replica.check.check(claims_of(signed, access_tokens))
        assert replica.tokens.reads == 1  # one read found both sessions; Redis answered the other check
    finally:
        await redis.kill()

    await accounts.logout(phone.tokens.refresh_token)  # its invalidation cannot reach Redis

    with pytest.raises(SessionRevoked):
        await replica.check.check(claims_of(phone, access_tokens))
    assert await replica.check.check(claims_of(laptop, access_tokens)) == laptop.session
    assert replica.tokens.reads == 3  # nothing cached meanwhile: each check read PostgreSQL
