"""The provider key set: cached, refetched on expiry and on key rotation, rate-limited, kept on outages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest

from adapters.auth.oidc import OidcIdTokenVerifier, OidcProvider, apple, google
from application.auth_errors import IdentityProviderUnavailable, IdTokenRejected
from domain.users.values import IdentityProvider
from tests.accounts.jwks_server import CLIENT_ID, ISSUER, JwksServer, SigningKey, id_token_claims

GOOGLE = IdentityProvider.GOOGLE
TTL = timedelta(hours=1)
MIN_REFRESH = timedelta(minutes=1)


class Ticks:
    """A monotonic clock moved by hand."""

    def __init__(self) -> None:
        self.seconds = 1000.0

    def __call__(self) -> float:
        return self.seconds

    def advance(self, delta: timedelta) -> None:
        self.seconds += delta.total_seconds()


@pytest.fixture
def ticks() -> Ticks:
    return Ticks()


@pytest.fixture
async def verifier(jwks: JwksServer, ticks: Ticks) -> AsyncIterator[OidcIdTokenVerifier]:
    provider = OidcProvider(jwks_url=jwks.url, issuers=(ISSUER,), client_ids=(CLIENT_ID,))
    checker = OidcIdTokenVerifier(
        {GOOGLE: provider}, jwks_ttl=TTL, min_refresh_interval=MIN_REFRESH, monotonic=ticks
    )
    try:
        yield checker
    finally:
        await checker.close()


async def test_the_key_set_is_fetched_once_and_reused_until_it_expires(verifier, jwks, signing_keys, ticks):
    for key in (*signing_keys, *signing_keys):
        identity = await verifier.verify(GOOGLE, key.sign(id_token_claims("someone")))
        assert identity.subject == "someone"
    assert jwks.requests == 1

    ticks.advance(TTL)
    await verifier.verify(GOOGLE, signing_keys[0].sign(id_token_claims()))
    assert jwks.requests == 2


async def test_a_rotated_key_is_found_by_refetching_the_set(verifier, jwks, signing_keys, ticks):
    await verifier.verify(GOOGLE, signing_keys[0].sign(id_token_claims()))
    rotated = SigningKey.ec()
    jwks.published = [signing_keys[0], rotated]
    ticks.advance(MIN_REFRESH)

    identity = await verifier.verify(GOOGLE, rotated.sign(id_token_claims("after-rotation")))

    assert identity.subject == "after-rotation"
    assert jwks.requests == 2


async def test_unknown_key_ids_refetch_at_most_once_per_interval(verifier, jwks, signing_keys, ticks):
    await verifier.verify(GOOGLE, signing_keys[0].sign(id_token_claims()))
    ticks.advance(MIN_REFRESH)
    for made_up in ("made-up-1", "made-up-2", "made-up-3"):
        with pytest.raises(IdTokenRejected) as rejected:
            await verifier.verify(GOOGLE, signing_keys[0].sign(id_token_claims(), kid=made_up))
        assert rejected.value.code == "ID_TOKEN_UNKNOWN_KEY"
    assert jwks.requests == 2, "one refetch for three unknown key ids within the interval"

    ticks.advance(MIN_REFRESH)
    with pytest.raises(IdTokenRejected):
        await verifier.verify(GOOGLE, signing_keys[0].sign(id_token_claims(), kid="made-up-4"))
    assert jwks.requests == 3


async def test_an_outage_keeps_the_cached_keys_working(verifier, jwks, signing_keys, ticks):
    await verifier.verify(GOOGLE, signing_keys[1].sign(id_token_claims()))
    jwks.status = 503
    ticks.advance(TTL)

    identity = await verifier.verify(GOOGLE, signing_keys[1].sign(id_token_claims("during-outage")))

    assert identity.subject == "during-outage"
    assert jwks.requests == 2


async def test_with_nothing_cached_an_outage_is_reported_as_such(verifier, jwks, signing_keys):
    jwks.status = 500
    with pytest.raises(IdentityProviderUnavailable) as unavailable:
        await verifier.verify(GOOGLE, signing_keys[0].sign(id_token_claims()))
    assert unavailable.value.code == "IDENTITY_PROVIDER_UNAVAILABLE"


async def test_an_unreachable_provider_is_reported_as_unavailable(signing_keys):
    closed_port = JwksServer()
    closed_port.start()
    url = closed_port.url
    closed_port.stop()
    checker = OidcIdTokenVerifier(
        {GOOGLE: OidcProvider(jwks_url=url, issuers=(ISSUER,), client_ids=(CLIENT_ID,))}
    )
    try:
        with pytest.raises(IdentityProviderUnavailable):
            await checker.verify(GOOGLE, signing_keys[0].sign(id_token_claims()))
    finally:
        await checker.close()


def test_the_defaults_point_at_the_real_providers():
    assert google(("id",)).jwks_url == "https://www.googleapis.com/oauth2/v3/certs"
    assert set(google(("id",)).issuers) == {"https://accounts.google.com", "accounts.google.com"}
    assert apple(("id",)).jwks_url == "https://appleid.apple.com/auth/keys"
    assert apple(("id",)).issuers == ("https://appleid.apple.com",)
