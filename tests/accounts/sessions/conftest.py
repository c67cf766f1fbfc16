"""Fixtures for the session-check tests: API replicas on the real PostgreSQL and Redis, the one a test
runs `here`, and the accounts use cases of a replica, invalidating through its session check."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from adapters.auth.access_tokens import JwtAccessTokens
from adapters.postgres.refresh_tokens import PostgresRefreshTokens
from application.accounts import Accounts, AccountsConfig
from application.auth_ports import IdTokenVerifier
from application.privacy.opened_store import OpenedEventStore
from tests.accounts.conftest import CLAIM_GRACE, cheap_hasher
from tests.accounts.sessions.session_support import AccountsOn, Replica, Replicas
from tests.domain.users import ManualClock


@pytest.fixture
async def replicas(
    store: OpenedEventStore, refresh_tokens: PostgresRefreshTokens, clock: ManualClock
) -> AsyncIterator[Replicas]:
    made = Replicas(store, refresh_tokens, clock)
    yield made
    await made.close()


@pytest.fixture
async def here(replicas: Replicas) -> Replica:
    return await replicas.new()


@pytest.fixture
def accounts_on(
    store: OpenedEventStore,
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
