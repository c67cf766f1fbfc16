"""Events of the User aggregate (stream `user-<user_id>`) and of the uniqueness claim streams.

Each has a stable `type` and `schema_version`; changing a stored shape means bumping the version and adding
an upcaster to `domain.users.codec.USER_UPCASTERS`. Fields holding personal data or secrets are left out of
`repr`, so an event that ends up in a log message does not carry them along.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import ClassVar
from uuid import UUID

from domain.users.values import IdentityProvider, Profile, Role


@dataclass(frozen=True, slots=True, kw_only=True)
class UserRegistered:
    type: ClassVar[str] = "UserRegistered"
    schema_version: ClassVar[int] = 1
    user_id: UUID
    email: str = field(repr=False)
    """Normalised: stripped and lower-cased."""
    display_name: str = field(repr=False)
    password_hash: str | None = field(repr=False)
    """None for a user who signs in only through an external identity provider."""
    role: Role
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class ExternalIdentityLinked:
    type: ClassVar[str] = "ExternalIdentityLinked"
    schema_version: ClassVar[int] = 1
    user_id: UUID
    provider: IdentityProvider
    subject: str = field(repr=False)
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class ProfileUpdated:
    """Carries the whole profile as it is after the update, plus the names of the fields that changed,
    so a read model can upsert the row from this one event without looking back."""

    type: ClassVar[str] = "ProfileUpdated"
    schema_version: ClassVar[int] = 1
    user_id: UUID
    profile: Profile = field(repr=False)
    changed_fields: tuple[str, ...]
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class PasswordChanged:
    type: ClassVar[str] = "PasswordChanged"
    schema_version: ClassVar[int] = 1
    user_id: UUID
    password_hash: str = field(repr=False)
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class RoleChanged:
    type: ClassVar[str] = "RoleChanged"
    schema_version: ClassVar[int] = 1
    user_id: UUID
    role: Role
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class RegistrationAbandoned:
    """Written to an empty user stream whose registration never finished, so that it never will: the
    email or identity it had claimed can then be claimed by someone else."""

    type: ClassVar[str] = "RegistrationAbandoned"
    schema_version: ClassVar[int] = 1
    user_id: UUID
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class UserForgotten:
    """The user was erased: their data key is gone, so every personal field sealed with it reads as
    erased, and the user id stays closed for good."""

    type: ClassVar[str] = "UserForgotten"
    schema_version: ClassVar[int] = 1
    user_id: UUID
    at: datetime


UserEvent = (
    UserRegistered
    | ExternalIdentityLinked
    | ProfileUpdated
    | PasswordChanged
    | RoleChanged
    | RegistrationAbandoned
    | UserForgotten
)


@dataclass(frozen=True, slots=True, kw_only=True)
class EmailClaimed:
    """In `useremail-<sha256(email)>`: the user holding the email. The latest claim wins."""

    type: ClassVar[str] = "EmailClaimed"
    schema_version: ClassVar[int] = 1
    user_id: UUID
    at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class IdentityClaimed:
    """In `useridentity-<sha256(provider:subject)>`: the user holding the external identity."""

    type: ClassVar[str] = "IdentityClaimed"
    schema_version: ClassVar[int] = 1
    user_id: UUID
    at: datetime


ClaimEvent = EmailClaimed | IdentityClaimed
