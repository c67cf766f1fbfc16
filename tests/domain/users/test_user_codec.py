"""The User codec: every event type survives a JSON round trip; unknown shapes fail with their codes."""

from __future__ import annotations

import json
from datetime import timedelta
from typing import Any

import pytest

from domain.errors import MalformedEvent, UnknownEventType
from domain.users import decode, decode_claim, encode, encode_claim
from domain.users.events import (
    EmailClaimed,
    ExternalIdentityLinked,
    IdentityClaimed,
    PasswordChanged,
    RegistrationAbandoned,
    RoleChanged,
)
from domain.users.values import FitnessLevel, Gender, IdentityProvider, Profile, Role
from tests.domain.users import OTHER_ID, T0, USER_ID, born_years_before, profile_updated, registered

PROFILE = Profile(
    display_name="Ada",
    date_of_birth=born_years_before(30),
    gender=Gender.PREFER_NOT_TO_SAY,
    height_cm=170.5,
    weight_kg=None,
    fitness_level=FitnessLevel.ADVANCED,
    preferences=(("flag", True), ("none", None), ("ratio", 0.25), ("units", "metric")),
    goals=("run 10k", "deadlift 100 kg"),
    injuries=(),
    available_equipment=("kettlebell",),
)

EVENTS = [
    registered(),
    registered(password_hash=None),
    ExternalIdentityLinked(user_id=USER_ID, provider=IdentityProvider.APPLE, subject="001.abc", at=T0),
    profile_updated(PROFILE, "date_of_birth", "preferences"),
    profile_updated(Profile(display_name="Bare"), "display_name"),
    PasswordChanged(user_id=USER_ID, password_hash="$argon2id$v=19$x", at=T0),
    RoleChanged(user_id=USER_ID, role=Role.ADMIN, at=T0 + timedelta(seconds=1)),
    RegistrationAbandoned(user_id=OTHER_ID, at=T0),
]


def through_json(data: dict[str, Any]) -> dict[str, Any]:
    loaded: dict[str, Any] = json.loads(json.dumps(data, allow_nan=False))
    return loaded


@pytest.mark.parametrize("event", EVENTS, ids=lambda event: type(event).__name__)
def test_every_user_event_survives_a_json_round_trip(event):
    event_type, schema_version, data = encode(event)
    assert (event_type, schema_version) == (event.type, event.schema_version)
    assert decode(event_type, schema_version, through_json(data)) == event


def test_preferences_are_stored_as_a_json_object_and_the_birth_date_as_an_iso_date():
    _, _, data = encode(profile_updated(PROFILE, "preferences"))
    stored = data["profile"]
    assert stored["preferences"] == {"flag": True, "none": None, "ratio": 0.25, "units": "metric"}
    assert stored["date_of_birth"] == PROFILE.date_of_birth.isoformat()  # type: ignore[union-attr]
    assert stored["gender"] == "prefer_not_to_say"


@pytest.mark.parametrize(
    "claim", [EmailClaimed(user_id=USER_ID, at=T0), IdentityClaimed(user_id=OTHER_ID, at=T0)], ids=str
)
def test_claim_events_survive_a_json_round_trip(claim):
    event_type, schema_version, data = encode_claim(claim)
    assert decode_claim(event_type, schema_version, through_json(data)) == claim


def test_an_unknown_type_or_version_and_a_malformed_payload_have_their_own_codes():
    with pytest.raises(UnknownEventType) as unknown:
        decode("UserDeleted", 1, {})
    assert unknown.value.code == "UNKNOWN_EVENT_TYPE"
    with pytest.raises(UnknownEventType):
        decode("UserRegistered", 2, encode(registered())[2])
    with pytest.raises(MalformedEvent) as malformed:
        decode("RoleChanged", 1, {"user_id": str(USER_ID), "role": "root", "at": T0.isoformat()})
    assert malformed.value.code == "MALFORMED_EVENT"
    with pytest.raises(UnknownEventType):
        decode_claim("UserRegistered", 1, encode(registered())[2])
