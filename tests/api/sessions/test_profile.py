"""The profile over a real socket: every field round-trips and can be cleared, and a bad value is a
user error that changes nothing.
"""

from __future__ import annotations

import pytest

from tests.api.graphql_client import register
from tests.api.live_support import call

# Fixtures: imported under their own names, so that pytest finds them in this module.

PROFILE_FIELDS = """id displayName dateOfBirth gender heightCm weightKg fitnessLevel preferences
goals injuries availableEquipment"""
UPDATE_PROFILE = f"""mutation($input: UpdateProfileInput!) {{
  updateProfile(input: $input) {{ user {{ {PROFILE_FIELDS} }} userErrors {{ field code message }} }}
}}"""
PROFILE = f"{{ me {{ {PROFILE_FIELDS} }} }}"

FULL_PROFILE = {
    "displayName": "Ada L.",
    "dateOfBirth": "1990-12-10",
    "gender": "female",
    "heightCm": 170.5,
    "weightKg": 62.25,
    "fitnessLevel": "intermediate",
    "preferences": {"units": "metric", "reminders": True, "sessionsPerWeek": 3, "coachTone": None},
    "goals": ["run a 10k", "deadlift 100 kg"],
    "injuries": ["left knee"],
    "availableEquipment": ["barbell", "kettlebell"],
}


async def test_given_a_user_when_they_update_every_profile_field_then_it_round_trips_and_clear_resets(client):
    ada = await register(client, "Ada")

    updated = (await ada.data(UPDATE_PROFILE, {"input": FULL_PROFILE}))["updateProfile"]

    assert updated["userErrors"] == []
    assert updated["user"] == {"id": ada.user_id, **FULL_PROFILE}
    assert (await ada.data(PROFILE))["me"] == updated["user"]

    cleared = (
        await ada.data(
            UPDATE_PROFILE, {"input": {"clear": ["dateOfBirth", "gender", "heightCm", "weightKg"]}}
        )
    )["updateProfile"]
    emptied = (await ada.data(UPDATE_PROFILE, {"input": {"preferences": {}, "goals": [], "injuries": []}}))[
        "updateProfile"
    ]

    assert cleared["userErrors"] == emptied["userErrors"] == []
    expected = {
        **FULL_PROFILE,
        "dateOfBirth": None,
        "gender": None,
        "heightCm": None,
        "weightKg": None,
        "preferences": {},
        "goals": [],
        "injuries": [],
    }
    assert (await ada.data(PROFILE))["me"] == {"id": ada.user_id, **expected}


@pytest.mark.parametrize(
    ("bad", "field", "code"),
    [
        ({"gender": "robot"}, "input.gender", "BAD_USER_INPUT"),
        ({"fitnessLevel": "godlike"}, "input.fitnessLevel", "BAD_USER_INPUT"),
        ({"preferences": ["units", "metric"]}, "input.preferences", "BAD_USER_INPUT"),
        ({"preferences": "metric"}, "input.preferences", "BAD_USER_INPUT"),
        ({"preferences": {"nested": {"too": "deep"}}}, "input.preferences.nested", "VALIDATION"),
        ({"heightCm": -1}, "input.heightCm", "VALIDATION"),
        ({"weightKg": 0}, "input.weightKg", "VALIDATION"),
        ({"dateOfBirth": "2999-01-01"}, "input.dateOfBirth", "VALIDATION"),
        ({"clear": ["goals"]}, "input.clear", "VALIDATION"),
        ({"clear": ["heightCm"], "heightCm": 180}, "input.clear", "VALIDATION"),
        ({"expectedVersion": 999}, None, "CONFLICT"),
    ],
    ids=lambda value: str(value) if isinstance(value, dict) else None,
)
async def test_given_a_bad_profile_value_then_it_is_a_user_error_and_nothing_changes(
    client, bad, field, code
):
    ada = await register(client, "Ada")
    before = (await ada.data(PROFILE))["me"]

    body = await call(
        client, UPDATE_PROFILE, {"input": {"displayName": "Changed", **bad}}, token=ada.access_token
    )

    assert "errors" not in body, body["errors"]
    payload = body["data"]["updateProfile"]
    assert payload["user"] is None
    assert [(error["field"], error["code"]) for error in payload["userErrors"]] == [(field, code)]
    assert (await ada.data(PROFILE))["me"] == before
