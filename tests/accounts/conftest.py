"""Fixtures for accounts tests: real PostgreSQL (event store + auth schema), cheap argon2, a local JWKS."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Iterator
from datetime import timedelta

import pytest

from adapters.auth.access_tokens import JwtAccessTokens
from adapters.auth.oidc import OidcIdTokenVerifier, OidcProvider
from adapters.auth.passwords import Argon2PasswordHasher
from adapters.postgres.auth_schema import migrate_auth
from adapters.postgres.data_keys import PostgresDataKeys
from adapters.postgres.privacy_schema import migrate_privacy
from adapters.postgres.refresh_tokens import PostgresRefreshTokens
from adapters.postgres.schema import migrate
from adapters.postgres.store import PostgresEventStore
from application.accounts import Accounts, AccountsConfig
from application.auth_ports import PasswordHasher
from application.privacy.opened_store import OpenedEventStore
from application.privacy.vault import PersonalDataVault
from domain.users.values import IdentityProvider
from tests.accounts.jwks_server import CLIENT_ID, ISSUER, JwksServer, SigningKey
from tests.domain.users import ManualClock

SECRET = "test-secret-that-is-at-least-32-bytes-long!"
CLAIM_GRACE = timedelta(minutes=2)


def cheap_hasher() -> Argon2PasswordHasher:
    return Argon2PasswordHasher(time_cost=1, memory_cost_kib=64, parallelism=1, max_concurrent=16)


@pytest.fixture(scope="session")
async def accounts_database_url(database_url: str) -> str:
    await migrate(database_url)
    await migrate_auth(database_url)
    await migrate_privacy(database_url)
    return database_url


@pytest.fixture
async def store(accounts_database_url: str) -> AsyncIterator[OpenedEventStore]:
    """The event store as the API has it: personal data sealed with keys in PostgreSQL."""
    stored = await PostgresEventStore.connect(accounts_database_url, max_size=20)
    keys = await PostgresDataKeys.connect(accounts_database_url)
    adapter = OpenedEventStore(stored, PersonalDataVault(keys))
    try:
        yield adapter
    finally:
        await adapter.close()


@pytest.fixture
async def refresh_tokens(accounts_database_url: str) -> AsyncIterator[PostgresRefreshTokens]:
    adapter = await PostgresRefreshTokens.connect(accounts_database_url, max_size=10)
    try:
        yield adapter
    finally:
        await adapter.close()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock()


@pytest.fixture
def access_tokens() -> JwtAccessTokens:
    return JwtAccessTokens(SECRET)


@pytest.fixture(scope="session")
def signing_keys() -> tuple[SigningKey, SigningKey]:
    return SigningKey.rsa(), SigningKey.ec()


@pytest.fixture
def jwks(signing_keys: tuple[SigningKey, SigningKey]) -> Iterator[JwksServer]:
    server = JwksServer(published=list(signing_keys))
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
async def id_tokens(jwks: JwksServer) -> AsyncIterator[OidcIdTokenVerifier]:
    google = OidcProvider(jwks_url=jwks.url, issuers=(ISSUER,), client_ids=(CLIENT_ID,))
    verifier = OidcIdTokenVerifier({IdentityProvider.GOOGLE: google})
    try:
        yield verifier
    finally:
        await verifier.close()


AccountsFactory = Callable[..., Accounts]


@pytest.fixture
def make_accounts(
    store: OpenedEventStore,
    refresh_tokens: PostgresRefreshTokens,
    access_tokens: JwtAccessTokens,
    id_tokens: OidcIdTokenVerifier,
    clock: ManualClock,
) -> AccountsFactory:
    """Accounts on the test's adapters; `passwords` may be swapped (counting, or tuned otherwise), and the
    `config` too."""

    def build(passwords: PasswordHasher | None = None, config: AccountsConfig | None = None) -> Accounts:
        return Accounts(
            store,
            passwords=passwords or cheap_hasher(),
            access_tokens=access_tokens,
            refresh_tokens=refresh_tokens,
            id_tokens=id_tokens,
            clock=clock,
            config=config or AccountsConfig(claim_grace=CLAIM_GRACE),
        )

    return build


@pytest.fixture
def accounts(make_accounts: AccountsFactory) -> Accounts:
    return make_accounts()
