"""The User state and how events change it (`evolve`, `fold`). Decisions live in `domain.users.decision`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from uuid import UUID

from domain.users.events import (
    ExternalIdentityLinked,
    PasswordChanged,
    ProfileUpdated,
    RegistrationAbandoned,
    RoleChanged,
    UserEvent,
    UserForgotten,
    UserRegistered,
)
from domain.users.values import ExternalIdentity, IdentityProvider, Profile, Role


@dataclass(frozen=True, slots=True)
class User:
    user_id: UUID
    email: str = field(repr=False)
    password_hash: str | None = field(repr=False)
    role: Role
    profile: Profile = field(repr=False)
    identities: tuple[ExternalIdentity, ...]
    registered_at: datetime
    updated_at: datetime

    def identity(self, provider: IdentityProvider) -> ExternalIdentity | None:
        return next((i for i in self.identities if i.provider == provider), None)


@dataclass(frozen=True, slots=True)
class AbandonedRegistration:
    """A user id that was never registered and now never will be."""

    user_id: UUID
    abandoned_at: datetime


@dataclass(frozen=True, slots=True)
class ForgottenUser:
    """A user who was erased: nothing personal is left, and the id can never be registered again."""

    user_id: UUID
    forgotten_at: datetime


UserState = User | AbandonedRegistration | ForgottenUser


def evolve(state: UserState | None, event: UserEvent) -> UserState | None:
    """Apply one event. Total: an event that does not apply to `state` leaves it unchanged."""
    if state is None:
        match event:
            case UserRegistered():
                return _registered(event)
            case RegistrationAbandoned():
                return AbandonedRegistration(event.user_id, event.at)
            case _:
                return None
    if not isinstance(state, User) or event.user_id != state.user_id:
        return state
    if isinstance(event, UserForgotten):
        return ForgottenUser(state.user_id, event.at)
    changed = _apply(state, event)
    return state if changed is None else replace(changed, updated_at=event.at)


def fold(events: Iterable[UserEvent], state: UserState | None = None) -> UserState | None:
    for event in events:
        state = evolve(state, event)
    return state


def _registered(event: UserRegistered) -> User:
    return User(
        user_id=event.user_id,
        email=event.email,
        password_hash=event.password_hash,
        role=event.role,
        profile=Profile(display_name=event.display_name),
        identities=(),
        registered_at=event.at,
        updated_at=event.at,
    )


def _apply(state: User, event: UserEvent) -> User | None:
    """The changed state, or None when the event does not apply."""
    match event:
        case UserRegistered() | RegistrationAbandoned() | UserForgotten():
            return None
        case ExternalIdentityLinked(provider=provider, subject=subject):
            if state.identity(provider) is not None:
                return None
            return replace(state, identities=(*state.identities, ExternalIdentity(provider, subject)))
        case ProfileUpdated(profile=profile):
            return replace(state, profile=profile)
        case PasswordChanged(password_hash=password_hash):
            return replace(state, password_hash=password_hash)
        case RoleChanged(role=role):
            return replace(state, role=role)
