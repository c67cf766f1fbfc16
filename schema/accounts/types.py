"""The `User` type: the signed-in person's account and what they tell the coach about themselves."""

from __future__ import annotations

import enum
from datetime import date, datetime

import strawberry
from strawberry.scalars import JSON

from application.user_reads import UserView, user_view_of
from domain.users.errors import UserNotFound
from schema.context import Info
from schema.errors import NotFound
from schema.ids import global_id
from schema.node import Node


@strawberry.enum
class Role(enum.Enum):
    USER = "user"
    ADMIN = "admin"


@strawberry.type(description="A fitcoach account. Only its owner (or an admin) can see it.")
class User(Node):
    view: strawberry.Private[UserView]

    @classmethod
    def of(cls, view: UserView) -> User:
        return cls(id=strawberry.ID(global_id("User", view.id)), view=view)

    @strawberry.field
    def email(self) -> str:
        return self.view.email

    @strawberry.field
    def display_name(self) -> str:
        return self.view.display_name

    @strawberry.field
    def role(self) -> Role:
        return Role(self.view.role)

    @strawberry.field
    def date_of_birth(self) -> date | None:
        return self.view.date_of_birth

    @strawberry.field(description="female, male, non_binary, other or prefer_not_to_say.")
    def gender(self) -> str | None:
        return self.view.gender

    @strawberry.field
    def height_cm(self) -> float | None:
        return self.view.height_cm

    @strawberry.field
    def weight_kg(self) -> float | None:
        return self.view.weight_kg

    @strawberry.field(description="beginner, intermediate or advanced.")
    def fitness_level(self) -> str | None:
        return self.view.fitness_level

    @strawberry.field(description="Flat map of preference names to JSON scalars.")
    def preferences(self) -> JSON:
        return JSON(dict(self.view.preferences))

    @strawberry.field
    def goals(self) -> list[str]:
        return list(self.view.goals)

    @strawberry.field
    def injuries(self) -> list[str]:
        return list(self.view.injuries)

    @strawberry.field
    def available_equipment(self) -> list[str]:
        return list(self.view.available_equipment)

    @strawberry.field
    def created_at(self) -> datetime:
        return self.view.created_at


async def viewer_user(info: Info) -> User:
    """The caller's account, read from its event stream: fresh even right after sign-up."""
    viewer = info.context.require_viewer()
    try:
        user = await info.context.services.accounts.user(viewer.user_id)
    except UserNotFound:
        raise NotFound("no such account") from None
    return User.of(user_view_of(user))
