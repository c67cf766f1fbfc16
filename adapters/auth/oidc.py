"""`OidcIdTokenVerifier`: checks Google and Apple ID tokens against the provider's JWKS (httpx, PyJWT).

Checked: signature (RS256/ES256, key chosen by `kid` from the provider's key set), issuer, audience
(our client ids), expiry and issue time (with leeway), the presence of `sub`, and the `nonce`. The key set
is cached for `jwks_ttl`; a token naming an unknown `kid` (the provider rotated its keys) triggers a
refetch, at most once per `min_refresh_interval`, so that made-up key ids cannot make us hammer the
provider.

The nonce binds a token to the sign-in the app started: the app makes a random nonce, passes it (or its
hash) to the provider, and sends us the nonce it made. The providers' rules differ:
- Google (OpenID Connect Core 3.1.3.7): the `nonce` claim is the value the app put in the request, so
  it must equal the nonce sent to us.
- Apple (native Sign in with Apple): the app gives Apple the SHA-256 of its raw nonce, as lowercase hex,
  and sends us the raw nonce; the claim must equal `sha256(nonce).hexdigest()`. A thief who reads the
  token then learns only the hash, not the nonce that would let them replay it.
A token that carries a nonce is refused unless the client sends it (else leaving the nonce out would skip
the check), and a nonce sent for a token without one is refused too: ID_TOKEN_NONCE_MISMATCH either way.
`email_verified` counts only when the token says true (a boolean, or Apple's text "true"); a missing flag
is unverified.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import httpx
import jwt

from adapters.auth.jwks import JwksCache
from application.auth_errors import IdentityProviderNotConfigured, IdTokenRejected
from application.auth_ports import VerifiedIdentity
from domain.users.values import IdentityProvider

GOOGLE_JWKS_URL = "https://www.googleapis.com/oauth2/v3/certs"
GOOGLE_ISSUERS = ("https://accounts.google.com", "accounts.google.com")
APPLE_JWKS_URL = "https://appleid.apple.com/auth/keys"
APPLE_ISSUERS = ("https://appleid.apple.com",)
MAX_ID_TOKEN_LENGTH = 16_384
MAX_NONCE_LENGTH = 512


@dataclass(frozen=True, slots=True)
class OidcProvider:
    jwks_url: str
    issuers: tuple[str, ...]
    client_ids: tuple[str, ...]
    """Accepted audiences. With none, sign-in with this provider is refused as not configured."""
    algorithms: tuple[str, ...] = ("RS256", "ES256")
    nonce_hashed: bool = False
    """Whether the `nonce` claim is the SHA-256 (hex) of the nonce the client sends (Apple), rather than
    the nonce itself (Google, and OpenID Connect in general)."""


def google(client_ids: tuple[str, ...], *, jwks_url: str = GOOGLE_JWKS_URL) -> OidcProvider:
    return OidcProvider(jwks_url=jwks_url, issuers=GOOGLE_ISSUERS, client_ids=client_ids)


def apple(client_ids: tuple[str, ...], *, jwks_url: str = APPLE_JWKS_URL) -> OidcProvider:
    return OidcProvider(jwks_url=jwks_url, issuers=APPLE_ISSUERS, client_ids=client_ids, nonce_hashed=True)


class OidcIdTokenVerifier:
    def __init__(
        self,
        providers: Mapping[IdentityProvider, OidcProvider],
        *,
        http: httpx.AsyncClient | None = None,
        jwks_ttl: timedelta = timedelta(hours=1),
        min_refresh_interval: timedelta = timedelta(minutes=1),
        leeway: timedelta = timedelta(seconds=60),
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self._providers = dict(providers)
        self._owns_http = http is None
        self._http = http or httpx.AsyncClient(timeout=httpx.Timeout(5.0))
        self._leeway = leeway
        self.key_sets = {
            provider: JwksCache(
                provider.value,
                config.jwks_url,
                self._http,
                ttl=jwks_ttl,
                min_refresh_interval=min_refresh_interval,
                monotonic=monotonic,
            )
            for provider, config in self._providers.items()
        }

    async def close(self) -> None:
        if self._owns_http:
            await self._http.aclose()

    async def verify(
        self, provider: IdentityProvider, id_token: str, *, nonce: str | None = None
    ) -> VerifiedIdentity:
        config = self._providers.get(provider)
        if config is None or not config.client_ids:
            raise IdentityProviderNotConfigured(provider.value)
        if not isinstance(id_token, str) or not id_token or len(id_token) > MAX_ID_TOKEN_LENGTH:
            raise IdTokenRejected(IdTokenRejected.INVALID, "the ID token is missing or too long")
        if nonce is not None and (not isinstance(nonce, str) or not 0 < len(nonce) <= MAX_NONCE_LENGTH):
            raise IdTokenRejected(
                IdTokenRejected.NONCE_MISMATCH, f"a nonce has 1 to {MAX_NONCE_LENGTH} characters"
            )
        try:
            header = jwt.get_unverified_header(id_token)
        except jwt.PyJWTError:
            raise IdTokenRejected(IdTokenRejected.INVALID, "the ID token is not a JWT") from None
        algorithm, kid = header.get("alg"), header.get("kid")
        if algorithm not in config.algorithms:
            raise IdTokenRejected(IdTokenRejected.INVALID, "the ID token's signing algorithm is not accepted")
        if not isinstance(kid, str) or not kid:
            raise IdTokenRejected(IdTokenRejected.INVALID, "the ID token names no signing key")
        key = await self.key_sets[provider].key(kid)
        if key is None:
            raise IdTokenRejected(IdTokenRejected.UNKNOWN_KEY, "the ID token's signing key is unknown")
        if key.algorithm_name != algorithm:
            raise IdTokenRejected(IdTokenRejected.INVALID, "the signing key does not fit the algorithm")
        claims = self._decode(id_token, key, algorithm, config)
        _check_nonce(claims.get("nonce"), nonce, config)
        return _identity(provider, claims)

    def _decode(self, id_token: str, key: jwt.PyJWK, algorithm: str, config: OidcProvider) -> dict[str, Any]:
        try:
            return jwt.decode(
                id_token,
                key,
                algorithms=[algorithm],
                audience=list(config.client_ids),
                issuer=config.issuers,
                leeway=self._leeway,
                options={"require": ["iss", "aud", "sub", "exp", "iat"]},
            )
        except jwt.ExpiredSignatureError:
            raise IdTokenRejected(IdTokenRejected.EXPIRED, "the ID token has expired") from None
        except jwt.InvalidAudienceError:
            raise IdTokenRejected(IdTokenRejected.WRONG_AUDIENCE, "the ID token is for another app") from None
        except jwt.InvalidIssuerError:
            raise IdTokenRejected(IdTokenRejected.WRONG_ISSUER, "the ID token has a wrong issuer") from None
        except jwt.InvalidSignatureError:
            raise IdTokenRejected(
                IdTokenRejected.BAD_SIGNATURE, "the ID token's signature is wrong"
            ) from None
        except jwt.PyJWTError:
            raise IdTokenRejected(IdTokenRejected.INVALID, "the ID token is not valid") from None


def _identity(provider: IdentityProvider, claims: dict[str, Any]) -> VerifiedIdentity:
    subject = claims["sub"]
    if not isinstance(subject, str) or not subject:
        raise IdTokenRejected(IdTokenRejected.INVALID, "the ID token's subject is not valid")
    email, name = claims.get("email"), claims.get("name")
    return VerifiedIdentity(
        provider=provider,
        subject=subject,
        email=email if isinstance(email, str) else None,
        email_verified=_flag(claims.get("email_verified")),
        name=name if isinstance(name, str) else None,
    )


def _check_nonce(claim: object, sent: str | None, config: OidcProvider) -> None:
    if sent is None:
        if claim is not None:
            raise IdTokenRejected(
                IdTokenRejected.NONCE_MISMATCH, "the ID token carries a nonce: send the nonce with it"
            )
        return
    if not isinstance(claim, str) or not claim:
        raise IdTokenRejected(
            IdTokenRejected.NONCE_MISMATCH, "a nonce was sent but the ID token carries none"
        )
    expected = hashlib.sha256(sent.encode()).hexdigest() if config.nonce_hashed else sent
    if not hmac.compare_digest(claim.encode(), expected.encode()):
        raise IdTokenRejected(
            IdTokenRejected.NONCE_MISMATCH, "the ID token's nonce does not match the nonce sent"
        )


def _flag(value: object) -> bool:
    """Google sends a boolean, Apple a boolean or the text "true"/"false"; anything else (a missing
    flag included) is not verified."""
    if isinstance(value, bool):
        return value
    return isinstance(value, str) and value.lower() == "true"
