"""Errors of the User aggregate, in the `domain.errors.DomainError` hierarchy, each with a stable code."""

from __future__ import annotations

from uuid import UUID

from domain.errors import DomainError


class UserNotFound(DomainError):
    def __init__(self, user_id: UUID) -> None:
        super().__init__("USER_NOT_FOUND", f"user {user_id} does not exist")
        self.user_id = user_id


class UserAlreadyExists(DomainError):
    def __init__(self, user_id: UUID) -> None:
        super().__init__("USER_ALREADY_EXISTS", f"user {user_id} already exists")
        self.user_id = user_id


class EmailTaken(DomainError):
    def __init__(self) -> None:
        # The message never repeats the address: errors end up in logs.
        super().__init__("EMAIL_TAKEN", "an account with this email already exists", "email")


class RegistrationClosed(DomainError):
    """The user id's registration was abandoned (its email or identity claim was taken over)."""

    def __init__(self, user_id: UUID) -> None:
        super().__init__("REGISTRATION_CLOSED", f"registration of user {user_id} was abandoned")
        self.user_id = user_id


class IdentityAlreadyLinked(DomainError):
    def __init__(self, provider: str) -> None:
        super().__init__(
            "IDENTITY_ALREADY_LINKED",
            f"another {provider} account is already linked to this user",
            "provider",
        )
        self.provider = provider


class UserErased(DomainError):
    """The user was forgotten (GDPR erasure): nothing of theirs can be written any more."""

    def __init__(self) -> None:
        super().__init__("USER_FORGOTTEN", "this user was forgotten (erased); their data cannot be changed")
