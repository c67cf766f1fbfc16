"""`SessionCheck` with Redis down falls back to PostgreSQL: nothing is cached meanwhile, so a logout whose
invalidation cannot reach Redis still refuses the session at the next check."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.auth.access_tokens import JwtAccessTokens
from application.session_check import SessionRevoked
from tests.accounts.sessions.session_support import PASSWORD, AccountsOn, Replicas, claims_of
from tests.adapters.api_ports.redis_server import RedisServer
from tests.domain.users import unique_email


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
