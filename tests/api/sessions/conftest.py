"""Fixtures of the session tests: an API that signs in with Google ID tokens checked against a locally
served JWKS, and a second server sharing its database and Redis, as replicas do.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest

from tests.accounts.jwks_server import CLIENT_ID, JwksServer, SigningKey
from tests.api.live_support import server_errors_fail_the_test
from tests.api.server import RunningApi, fresh_database, running_api, test_settings


@pytest.fixture(autouse=True)
def no_server_errors() -> Iterator[None]:
    with server_errors_fail_the_test():
        yield


@pytest.fixture(scope="module")
def signing_key() -> SigningKey:
    return SigningKey.rsa()


@pytest.fixture(scope="module")
def jwks(signing_key: SigningKey) -> Iterator[JwksServer]:
    server = JwksServer(published=[signing_key])
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(scope="module")
async def served(jwks: JwksServer) -> AsyncIterator[RunningApi]:
    """This module's API: the conftest one, plus Google sign-in against the local JWKS."""
    settings_for = {"google_client_ids": [CLIENT_ID], "google_jwks_url": jwks.url}
    async with fresh_database() as url, running_api(test_settings(url, **settings_for)) as running:
        yield running


@pytest.fixture(scope="module")
async def replica(served: RunningApi) -> AsyncIterator[RunningApi]:
    """A second server on the same database and Redis prefix."""
    async with running_api(served.api.settings) as second:
        yield second


@pytest.fixture
async def replica_client(replica: RunningApi) -> AsyncIterator[httpx.AsyncClient]:
    async with replica.client() as http:
        yield http
