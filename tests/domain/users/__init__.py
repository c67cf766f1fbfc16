"""Spec helpers for User and accounts tests: event and command builders, a manual clock.

Domain tests read as: given these events, when this command, then these events (or this error).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, date, datetime, timedelta
from typing import Any
from uuid import UUID, uuid4

from domain.errors import DomainError
from domain.users import User, UserState, decide, fold
from domain.users.commands import (
    ProfileChanges,
    RegisterExternalUser,
    RegisterUser,
    UpdateProfile,
    UserCommand,
)
from domain.users.events import ProfileUpdated, UserEvent, UserRegistered
from domain.users.values import IdentityProvider, Profile, Role

USER_ID = UUID("5d6c1e2f-8a9b-4c3d-9e0f-1a2b3c4d5e6f")
OTHER_ID = UUID("9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d")
T0 = datetime(2025, 3, 3, 7, 30, tzinfo=UTC)
WHEN = T0 + timedelta(days=1)
HASH = "$argon2id$v=19$m=8,t=1,p=1$c2FsdHNhbHQ$aGFzaGhhc2g"
EMAIL = "ada@example.com"


def given(*events: UserEvent) -> UserState | None:
    return fold(events)


def registered(
    email: str = EMAIL, display_name: str = "Ada", password_hash: str | None = HASH
) -> UserRegistered:
    return UserRegistered(
        user_id=USER_ID,
        email=email,
        display_name=display_name,
        password_hash=password_hash,
        role=Role.USER,
        at=T0,
    )


def profile_updated(profile: Profile, *changed: str) -> ProfileUpdated:
    return ProfileUpdated(
        user_id=USER_ID, profile=profile, changed_fields=changed, at=T0 + timedelta(hours=1)
    )


def register_user(**overrides: object) -> RegisterUser:
    base = RegisterUser(user_id=USER_ID, email=EMAIL, password_hash=HASH, display_name="Ada", at=WHEN)
    return replace(base, **overrides)  # type: ignore[arg-type]


def register_external(**overrides: object) -> RegisterExternalUser:
    base = RegisterExternalUser(
        user_id=USER_ID,
        email=EMAIL,
        display_name="Ada",
        provider=IdentityProvider.GOOGLE,
        subject="google-subject-1",
        at=WHEN,
    )
    return replace(base, **overrides)  # type: ignore[arg-type]


def update(**changes: Any) -> UpdateProfile:
    """An UpdateProfile at WHEN (or at `at=`) with these ProfileChanges."""
    at = changes.pop("at", WHEN)
    return UpdateProfile(user_id=USER_ID, changes=ProfileChanges(**changes), at=at)


def born_years_before(years: int, when: datetime = WHEN, days: int = 0) -> date:
    """The birthday that makes someone exactly `years` old on `when` (minus `days` days)."""
    return when.date().replace(year=when.year - years) - timedelta(days=days)


def user_after(events: list[UserEvent], state: UserState | None = None) -> User:
    user = fold(events, state)
    assert isinstance(user, User)
    return user


def decide_or_error(command: UserCommand, state: UserState | None) -> list[UserEvent] | DomainError:
    try:
        return decide(command, state)
    except DomainError as error:
        return error


class ManualClock:
    """A clock tests move by hand. It starts at the real time: access tokens are checked against it."""

    def __init__(self, start: datetime | None = None) -> None:
        self.current = start or datetime.now(UTC)

    def now(self) -> datetime:
        return self.current

    def advance(self, delta: timedelta) -> None:
        self.current += delta


def unique_email(name: str = "user") -> str:
    """An address no other test in the session registers (they share one database)."""
    return f"{name}.{uuid4().hex[:12]}@example.com"
