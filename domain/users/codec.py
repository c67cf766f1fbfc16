"""The User event codec: the explicit map of user event types, and of the claim events.

`encode(event) -> (type, schema_version, data)`; `decode(type, schema_version, data)` upcasts first.
The profile is written by hand (dates and preferences are not plain dataclass fields): preferences are
stored as a JSON object and the date of birth as an ISO date.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import fields
from datetime import date, datetime
from typing import Any
from uuid import UUID

from domain.event_codec import EventCodec, EventType, JsonValue, to_json
from domain.upcasting import EventData, Upcaster
from domain.users.events import (
    ClaimEvent,
    EmailClaimed,
    ExternalIdentityLinked,
    IdentityClaimed,
    PasswordChanged,
    ProfileUpdated,
    RegistrationAbandoned,
    RoleChanged,
    UserEvent,
    UserForgotten,
    UserRegistered,
)
from domain.users.values import FitnessLevel, Gender, IdentityProvider, Profile, Role


def write_profile(profile: Profile) -> dict[str, JsonValue]:
    return {
        "display_name": profile.display_name,
        "date_of_birth": None if profile.date_of_birth is None else profile.date_of_birth.isoformat(),
        "gender": to_json(profile.gender),
        "height_cm": profile.height_cm,
        "weight_kg": profile.weight_kg,
        "fitness_level": to_json(profile.fitness_level),
        "preferences": {key: value for key, value in profile.preferences},
        "goals": list(profile.goals),
        "injuries": list(profile.injuries),
        "available_equipment": list(profile.available_equipment),
    }


def read_profile(d: Mapping[str, Any]) -> Profile:
    def optional_float(key: str) -> float | None:
        return None if d[key] is None else float(d[key])

    def texts(key: str) -> tuple[str, ...]:
        return tuple(str(item) for item in d[key])

    return Profile(
        display_name=str(d["display_name"]),
        date_of_birth=None if d["date_of_birth"] is None else date.fromisoformat(d["date_of_birth"]),
        gender=None if d["gender"] is None else Gender(d["gender"]),
        height_cm=optional_float("height_cm"),
        weight_kg=optional_float("weight_kg"),
        fitness_level=None if d["fitness_level"] is None else FitnessLevel(d["fitness_level"]),
        preferences=tuple(sorted(dict(d["preferences"]).items())),
        goals=texts("goals"),
        injuries=texts("injuries"),
        available_equipment=texts("available_equipment"),
    )


def _user_id(d: Mapping[str, Any]) -> UUID:
    return UUID(d["user_id"])


def _at(d: Mapping[str, Any]) -> datetime:
    return datetime.fromisoformat(d["at"])


def _user_registered(d: EventData) -> UserRegistered:
    password_hash = d["password_hash"]
    return UserRegistered(
        user_id=_user_id(d),
        email=str(d["email"]),
        display_name=str(d["display_name"]),
        password_hash=None if password_hash is None else str(password_hash),
        role=Role(d["role"]),
        at=_at(d),
    )


def _identity_linked(d: EventData) -> ExternalIdentityLinked:
    return ExternalIdentityLinked(
        user_id=_user_id(d), provider=IdentityProvider(d["provider"]), subject=str(d["subject"]), at=_at(d)
    )


def _profile_updated(d: EventData) -> ProfileUpdated:
    return ProfileUpdated(
        user_id=_user_id(d),
        profile=read_profile(d["profile"]),
        changed_fields=tuple(str(name) for name in d["changed_fields"]),
        at=_at(d),
    )


def _password_changed(d: EventData) -> PasswordChanged:
    return PasswordChanged(user_id=_user_id(d), password_hash=str(d["password_hash"]), at=_at(d))


def _role_changed(d: EventData) -> RoleChanged:
    return RoleChanged(user_id=_user_id(d), role=Role(d["role"]), at=_at(d))


def _registration_abandoned(d: EventData) -> RegistrationAbandoned:
    return RegistrationAbandoned(user_id=_user_id(d), at=_at(d))


def _user_forgotten(d: EventData) -> UserForgotten:
    return UserForgotten(user_id=_user_id(d), at=_at(d))


USER_UPCASTERS: dict[tuple[str, int], Upcaster] = {}

USER_EVENT_TYPES: dict[str, EventType[UserEvent]] = {
    UserRegistered.type: EventType(UserRegistered.schema_version, _user_registered),
    ExternalIdentityLinked.type: EventType(ExternalIdentityLinked.schema_version, _identity_linked),
    ProfileUpdated.type: EventType(ProfileUpdated.schema_version, _profile_updated),
    PasswordChanged.type: EventType(PasswordChanged.schema_version, _password_changed),
    RoleChanged.type: EventType(RoleChanged.schema_version, _role_changed),
    RegistrationAbandoned.type: EventType(RegistrationAbandoned.schema_version, _registration_abandoned),
    UserForgotten.type: EventType(UserForgotten.schema_version, _user_forgotten),
}
USER_CODEC: EventCodec[UserEvent] = EventCodec(USER_EVENT_TYPES, USER_UPCASTERS)

CLAIM_EVENT_TYPES: dict[str, EventType[ClaimEvent]] = {
    EmailClaimed.type: EventType(
        EmailClaimed.schema_version, lambda d: EmailClaimed(user_id=_user_id(d), at=_at(d))
    ),
    IdentityClaimed.type: EventType(
        IdentityClaimed.schema_version, lambda d: IdentityClaimed(user_id=_user_id(d), at=_at(d))
    ),
}
CLAIM_CODEC: EventCodec[ClaimEvent] = EventCodec(CLAIM_EVENT_TYPES, {})


def encode(event: UserEvent) -> tuple[str, int, EventData]:
    data: EventData = {}
    for field in fields(event):
        value = getattr(event, field.name)
        data[field.name] = write_profile(value) if isinstance(value, Profile) else to_json(value)
    return event.type, event.schema_version, data


def decode(event_type: str, schema_version: int, data: Mapping[str, Any]) -> UserEvent:
    return USER_CODEC.decode(event_type, schema_version, data)


def encode_claim(event: ClaimEvent) -> tuple[str, int, EventData]:
    return CLAIM_CODEC.encode(event)


def decode_claim(event_type: str, schema_version: int, data: Mapping[str, Any]) -> ClaimEvent:
    return CLAIM_CODEC.decode(event_type, schema_version, data)
