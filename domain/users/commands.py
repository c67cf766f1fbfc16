"""Commands on the User aggregate. Each carries who asks (`actor`) and when (`at`); ids come in, too.

Passwords never reach the domain: the application hashes them and commands carry only the hash.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from uuid import UUID

from domain.actor import Actor
from domain.users.values import FitnessLevel, Gender, IdentityProvider, PreferenceValue, Role


@dataclass(frozen=True, slots=True, kw_only=True)
class RegisterUser:
    user_id: UUID
    email: str = field(repr=False)
    password_hash: str = field(repr=False)
    display_name: str = field(repr=False)
    at: datetime
    actor: Actor = Actor.USER


@dataclass(frozen=True, slots=True, kw_only=True)
class RegisterExternalUser:
    """Registers a user known through an identity provider: no password, one linked identity."""

    user_id: UUID
    email: str = field(repr=False)
    display_name: str = field(repr=False)
    provider: IdentityProvider
    subject: str = field(repr=False)
    at: datetime
    actor: Actor = Actor.USER


@dataclass(frozen=True, slots=True, kw_only=True)
class LinkExternalIdentity:
    user_id: UUID
    provider: IdentityProvider
    subject: str = field(repr=False)
    at: datetime
    actor: Actor = Actor.USER


@dataclass(frozen=True, slots=True, kw_only=True)
class ProfileChanges:
    """Fields to change; None leaves a field as it is. A name in `clear` resets that field to unset
    (only `CLEARABLE_FIELDS`). Lists and preferences are replaced whole; pass () or {} to empty them."""

    display_name: str | None = None
    date_of_birth: date | None = None
    gender: Gender | None = None
    height_cm: float | None = None
    weight_kg: float | None = None
    fitness_level: FitnessLevel | None = None
    preferences: Mapping[str, PreferenceValue] | None = None
    goals: tuple[str, ...] | None = None
    injuries: tuple[str, ...] | None = None
    available_equipment: tuple[str, ...] | None = None
    clear: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True, kw_only=True)
class UpdateProfile:
    user_id: UUID
    changes: ProfileChanges = field(repr=False)
    at: datetime
    actor: Actor = Actor.USER


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangePassword:
    user_id: UUID
    password_hash: str = field(repr=False)
    at: datetime
    actor: Actor = Actor.USER


@dataclass(frozen=True, slots=True, kw_only=True)
class ChangeRole:
    user_id: UUID
    role: Role
    at: datetime
    actor: Actor = Actor.USER


@dataclass(frozen=True, slots=True, kw_only=True)
class AbandonRegistration:
    """Closes a user id whose registration never happened, so that it never can."""

    user_id: UUID
    at: datetime
    actor: Actor = Actor.USER


@dataclass(frozen=True, slots=True, kw_only=True)
class ForgetUser:
    """Erases the user (GDPR): their data key is deleted first (`application.privacy.erasure`), then this
    records it. Only an admin (`Actor.USER`) or the operator's CLI (`Actor.SYSTEM`) issues it."""

    user_id: UUID
    at: datetime
    actor: Actor


UserCommand = (
    RegisterUser
    | RegisterExternalUser
    | LinkExternalIdentity
    | UpdateProfile
    | ChangePassword
    | ChangeRole
    | AbandonRegistration
    | ForgetUser
)
