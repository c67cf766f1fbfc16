"""Reading users: the `UserView` of the `auth.users` read model and the `UserReadModel` port.

The read model is filled by the `users` projection, so it lags the event log by the projection's lag: a
command's `UserUpdated.position` tells how far it must have got (checkpoint `USERS_PROJECTION`). The
view holds no password hash: the read model never has one.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Protocol
from uuid import UUID

from domain.users import User
from domain.users.values import PreferenceValue

USERS_PROJECTION = "users"


@dataclass(frozen=True, slots=True)
class UserView:
    """One row of `auth.users`. Personal data is left out of `repr`, so a view in a log shows none."""

    id: UUID
    email: str = field(repr=False)
    display_name: str = field(repr=False)
    date_of_birth: date | None = field(repr=False)
    gender: str | None = field(repr=False)
    """female, male, non_binary, other or prefer_not_to_say."""
    height_cm: float | None = field(repr=False)
    weight_kg: float | None = field(repr=False)
    fitness_level: str | None = field(repr=False)
    """beginner, intermediate or advanced."""
    preferences: Mapping[str, PreferenceValue] = field(repr=False)
    """Read-only (a mappingproxy): names to JSON scalars."""
    goals: tuple[str, ...] = field(repr=False)
    injuries: tuple[str, ...] = field(repr=False)
    available_equipment: tuple[str, ...] = field(repr=False)
    identity_providers: tuple[str, ...]
    """The external sign-ins linked (google, apple); their subjects are not kept here."""
    role: str
    """user or admin."""
    version: int
    """The user stream's version the row was built from."""
    created_at: datetime
    updated_at: datetime
    last_position: int
    """Global position of the last event applied to this user."""


class UserReadModel(Protocol):
    async def user(self, user_id: UUID) -> UserView | None: ...

    async def users(self, user_ids: Sequence[UUID]) -> dict[UUID, UserView]:
        """The users found among `user_ids`, in one statement whatever their number (for dataloaders);
        unknown ids are absent from the answer. Raises plan_reads.ReadModelUnavailable or ReadError."""
        ...

    async def close(self) -> None: ...


def user_view_of(user: User, version: int = 0, position: int = 0) -> UserView:
    """The view of a user as folded from its stream (a mutation's own result, or `me`)."""
    profile = user.profile
    return UserView(
        id=user.user_id,
        email=user.email,
        display_name=profile.display_name,
        date_of_birth=profile.date_of_birth,
        gender=profile.gender.value if profile.gender else None,
        height_cm=profile.height_cm,
        weight_kg=profile.weight_kg,
        fitness_level=profile.fitness_level.value if profile.fitness_level else None,
        preferences=dict(profile.preferences),
        goals=profile.goals,
        injuries=profile.injuries,
        available_equipment=profile.available_equipment,
        identity_providers=tuple(identity.provider.value for identity in user.identities),
        role=user.role.value,
        version=version,
        created_at=user.registered_at,
        updated_at=user.updated_at,
        last_position=position,
    )
