"""Inputs and payloads of the account mutations. Tokens are never part of a log line or an error."""

from __future__ import annotations

import enum
from datetime import date, datetime

import strawberry
from strawberry.scalars import JSON

from application.sessions import TokenPair
from domain.users.commands import ProfileChanges
from domain.users.values import FitnessLevel, Gender
from schema.accounts.types import User
from schema.errors import BadUserInput, UserError


@strawberry.input
class RegisterInput:
    email: str
    password: str
    display_name: str


@strawberry.input
class LoginInput:
    email: str
    password: str


@strawberry.input
class RefreshTokenInput:
    refresh_token: str


@strawberry.input(description="Without a refresh token, the session of the access token is ended.")
class LogoutInput:
    refresh_token: str | None = None


@strawberry.enum
class IdentityProviderKind(enum.Enum):
    GOOGLE = "google"
    APPLE = "apple"


@strawberry.input
class SignInWithIdTokenInput:
    provider: IdentityProviderKind
    id_token: str
    nonce: str | None = strawberry.field(
        default=None,
        description="The raw nonce the app made for this sign-in. Google: the token's nonce claim must"
        " equal it (the app passed it to Google as is). Apple: the claim must be its SHA-256, lowercase"
        " hex (what the app passes to Apple). Required when the token carries a nonce; a mismatch is the"
        " user error ID_TOKEN_NONCE_MISMATCH.",
    )


@strawberry.input(description="Fields left out stay as they are; names in `clear` are reset to unset.")
class UpdateProfileInput:
    display_name: str | None = None
    date_of_birth: date | None = None
    gender: str | None = None
    height_cm: float | None = None
    weight_kg: float | None = None
    fitness_level: str | None = None
    preferences: JSON | None = strawberry.field(default=None, description="Flat map of JSON scalars.")
    goals: list[str] | None = None
    injuries: list[str] | None = None
    available_equipment: list[str] | None = None
    clear: list[str] = strawberry.field(default_factory=list)
    expected_version: int | None = None

    def to_changes(self) -> ProfileChanges:
        if self.preferences is not None and not isinstance(self.preferences, dict):
            raise BadUserInput("preferences must be an object", field="input.preferences")
        return ProfileChanges(
            display_name=self.display_name,
            date_of_birth=self.date_of_birth,
            gender=_gender(self.gender),
            height_cm=self.height_cm,
            weight_kg=self.weight_kg,
            fitness_level=_fitness_level(self.fitness_level),
            preferences=self.preferences,
            goals=tuple(self.goals) if self.goals is not None else None,
            injuries=tuple(self.injuries) if self.injuries is not None else None,
            available_equipment=(
                tuple(self.available_equipment) if self.available_equipment is not None else None
            ),
            clear=frozenset(_snake(name) for name in self.clear),
        )


def _gender(value: str | None) -> Gender | None:
    _check_choice([member.value for member in Gender], value, "gender")
    return Gender(value) if value is not None else None


def _fitness_level(value: str | None) -> FitnessLevel | None:
    _check_choice([member.value for member in FitnessLevel], value, "fitnessLevel")
    return FitnessLevel(value) if value is not None else None


def _check_choice(allowed: list[str], value: str | None, field: str) -> None:
    if value is not None and value not in allowed:
        raise BadUserInput(f"{field} must be one of {', '.join(allowed)}", field=f"input.{field}")


def _snake(name: str) -> str:
    return "".join(f"_{c.lower()}" if c.isupper() else c for c in name)


@strawberry.type
class Tokens:
    access_token: str
    access_token_expires_at: datetime
    refresh_token: str
    refresh_token_expires_at: datetime
    token_type: str

    @classmethod
    def of(cls, pair: TokenPair) -> Tokens:
        return cls(
            access_token=pair.access_token,
            access_token_expires_at=pair.access_expires_at,
            refresh_token=pair.refresh_token,
            refresh_token_expires_at=pair.refresh_expires_at,
            token_type=pair.token_type,
        )


@strawberry.type
class AuthPayload:
    user: User | None
    tokens: Tokens | None
    user_errors: list[UserError]


@strawberry.type
class LogoutPayload:
    ended: bool = strawberry.field(description="Whether a live session was ended.")
    user_errors: list[UserError]


@strawberry.type
class UserPayload:
    user: User | None
    user_errors: list[UserError]
