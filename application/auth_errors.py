"""Errors of authentication, in the `DomainError` hierarchy so the API maps them by their stable code.

Messages never contain the token, password or email they are about.
"""

from __future__ import annotations

from domain.errors import DomainError


class AuthError(DomainError):
    pass


class InvalidCredentials(AuthError):
    def __init__(self) -> None:
        super().__init__("INVALID_CREDENTIALS", "the email or password is wrong")


class AccessTokenInvalid(AuthError):
    def __init__(self) -> None:
        super().__init__("ACCESS_TOKEN_INVALID", "the access token is not valid")


class AccessTokenExpired(AuthError):
    def __init__(self) -> None:
        super().__init__("ACCESS_TOKEN_EXPIRED", "the access token has expired")


class RefreshTokenInvalid(AuthError):
    def __init__(self) -> None:
        super().__init__("REFRESH_TOKEN_INVALID", "the refresh token is not valid")


class RefreshTokenExpired(AuthError):
    def __init__(self) -> None:
        super().__init__("REFRESH_TOKEN_EXPIRED", "the refresh token has expired")


class RefreshTokenRevoked(AuthError):
    def __init__(self) -> None:
        super().__init__("REFRESH_TOKEN_REVOKED", "the refresh token was revoked")


class RefreshTokenReused(AuthError):
    def __init__(self) -> None:
        super().__init__(
            "REFRESH_TOKEN_REUSED", "the refresh token was already used; every session of its family ended"
        )


class IdTokenRejected(AuthError):
    """An ID token that failed verification; `code` says why (one of the constants below)."""

    INVALID = "ID_TOKEN_INVALID"
    EXPIRED = "ID_TOKEN_EXPIRED"
    WRONG_AUDIENCE = "ID_TOKEN_WRONG_AUDIENCE"
    WRONG_ISSUER = "ID_TOKEN_WRONG_ISSUER"
    BAD_SIGNATURE = "ID_TOKEN_BAD_SIGNATURE"
    UNKNOWN_KEY = "ID_TOKEN_UNKNOWN_KEY"
    NO_EMAIL = "ID_TOKEN_NO_EMAIL"
    EMAIL_UNVERIFIED = "ID_TOKEN_EMAIL_UNVERIFIED"
    NONCE_MISMATCH = "ID_TOKEN_NONCE_MISMATCH"

    def __init__(self, code: str, message: str) -> None:
        super().__init__(code, message)


class IdentityProviderNotConfigured(AuthError):
    def __init__(self, provider: str) -> None:
        super().__init__("IDENTITY_PROVIDER_NOT_CONFIGURED", f"sign-in with {provider} is not configured")


class IdentityProviderUnavailable(AuthError):
    def __init__(self, provider: str) -> None:
        super().__init__("IDENTITY_PROVIDER_UNAVAILABLE", f"cannot reach {provider} to verify the sign-in")


class IdentityTaken(AuthError):
    def __init__(self) -> None:
        super().__init__("IDENTITY_TAKEN", "this external account is already linked to another user")


class SignInInProgress(AuthError):
    """Another first sign-in with the same external account is under way; retrying shortly succeeds."""

    def __init__(self) -> None:
        super().__init__("CONFLICT", "a sign-in with this account is already in progress; try again")


class TokenStoreUnavailable(AuthError):
    def __init__(self) -> None:
        super().__init__("UNAVAILABLE", "the session store is unavailable")
