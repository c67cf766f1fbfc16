"""`decide`: what a command on a User means, as events, or a DomainError. Pure: no clock, no ids."""

from __future__ import annotations

from typing import assert_never
from uuid import UUID

from domain import validation as common
from domain.users import validation
from domain.users.commands import (
    AbandonRegistration,
    ChangePassword,
    ChangeRole,
    ForgetUser,
    LinkExternalIdentity,
    RegisterExternalUser,
    RegisterUser,
    UpdateProfile,
    UserCommand,
)
from domain.users.errors import (
    IdentityAlreadyLinked,
    RegistrationClosed,
    UserAlreadyExists,
    UserErased,
    UserNotFound,
)
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
from domain.users.profile_changes import apply_changes
from domain.users.state import AbandonedRegistration, ForgottenUser, User, UserState
from domain.users.values import Role


def decide(command: UserCommand, state: UserState | None) -> list[UserEvent]:
    """The events `command` produces on `state`; [] when it changes nothing. Raises DomainError if invalid."""
    common.moment("at", command.at)
    match command:
        case RegisterUser():
            _unregistered(command.user_id, state)
            return [_registration(command)]
        case RegisterExternalUser():
            _unregistered(command.user_id, state)
            return _external_registration(command)
        case AbandonRegistration():
            if isinstance(state, User):
                raise UserAlreadyExists(command.user_id)
            if isinstance(state, AbandonedRegistration):
                return []
            return [RegistrationAbandoned(user_id=command.user_id, at=command.at)]
        case LinkExternalIdentity():
            return _link(command, _registered(command.user_id, state))
        case UpdateProfile():
            user = _registered(command.user_id, state)
            profile, changed = apply_changes(user.profile, command.changes, command.at.date())
            if not changed:
                return []
            return [
                ProfileUpdated(user_id=user.user_id, profile=profile, changed_fields=changed, at=command.at)
            ]
        case ChangePassword():
            user = _registered(command.user_id, state)
            password_hash = validation.password_hash("password_hash", command.password_hash)
            return [PasswordChanged(user_id=user.user_id, password_hash=password_hash, at=command.at)]
        case ChangeRole():
            user = _registered(command.user_id, state)
            if validation.role("role", command.role) == user.role:
                return []
            return [RoleChanged(user_id=user.user_id, role=command.role, at=command.at)]
        case ForgetUser():
            if isinstance(state, ForgottenUser):
                return []
            user = _registered(command.user_id, state)
            return [UserForgotten(user_id=user.user_id, at=command.at)]
        case _:
            assert_never(command)


def _unregistered(user_id: UUID, state: UserState | None) -> None:
    if isinstance(state, User):
        raise UserAlreadyExists(user_id)
    if isinstance(state, AbandonedRegistration | ForgottenUser):
        raise RegistrationClosed(user_id)


def _registered(user_id: UUID, state: UserState | None) -> User:
    if isinstance(state, ForgottenUser):
        raise UserErased()
    if not isinstance(state, User):
        raise UserNotFound(user_id)
    return state


def _registration(command: RegisterUser) -> UserRegistered:
    return UserRegistered(
        user_id=command.user_id,
        email=validation.email("email", command.email),
        display_name=validation.display_name("display_name", command.display_name),
        password_hash=validation.password_hash("password_hash", command.password_hash),
        role=Role.USER,
        at=command.at,
    )


def _external_registration(command: RegisterExternalUser) -> list[UserEvent]:
    registered = UserRegistered(
        user_id=command.user_id,
        email=validation.email("email", command.email),
        display_name=validation.display_name("display_name", command.display_name),
        password_hash=None,
        role=Role.USER,
        at=command.at,
    )
    linked = ExternalIdentityLinked(
        user_id=command.user_id,
        provider=validation.provider("provider", command.provider),
        subject=validation.subject("subject", command.subject),
        at=command.at,
    )
    return [registered, linked]


def _link(command: LinkExternalIdentity, user: User) -> list[UserEvent]:
    provider = validation.provider("provider", command.provider)
    subject = validation.subject("subject", command.subject)
    linked = user.identity(provider)
    if linked is not None:
        if linked.subject == subject:
            return []
        raise IdentityAlreadyLinked(provider.value)
    return [ExternalIdentityLinked(user_id=user.user_id, provider=provider, subject=subject, at=command.at)]
