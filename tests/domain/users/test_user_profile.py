"""Profile updates: every rule with its field, clearing, no-op updates, and what the event carries."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

import pytest

from domain.errors import ValidationError
from domain.users import UserState, decide
from domain.users.commands import UserCommand
from domain.users.errors import UserNotFound
from domain.users.events import ProfileUpdated, RegistrationAbandoned
from domain.users.values import FitnessLevel, Gender, Profile
from tests.domain.users import (
    USER_ID,
    WHEN,
    born_years_before,
    given,
    profile_updated,
    registered,
    update,
    user_after,
)

FULL = Profile(
    display_name="Ada",
    date_of_birth=born_years_before(30),
    gender=Gender.FEMALE,
    height_cm=170.0,
    weight_kg=62.5,
    fitness_level=FitnessLevel.INTERMEDIATE,
    preferences=(("units", "metric"), ("workout_days", 3)),
    goals=("run 10k",),
    injuries=("left knee",),
    available_equipment=("dumbbells", "pull-up bar"),
)


def refused_field(command: UserCommand, state: UserState | None = None) -> str | None:
    with pytest.raises(ValidationError) as refused:
        decide(command, state or given(registered()))
    assert refused.value.code == "VALIDATION"
    return refused.value.field


def test_an_update_records_the_whole_new_profile_and_the_changed_fields():
    user = given(registered())
    events = decide(update(height_cm=182, fitness_level=FitnessLevel.BEGINNER, goals=(" lose fat ",)), user)

    expected = Profile(
        display_name="Ada", height_cm=182.0, fitness_level=FitnessLevel.BEGINNER, goals=("lose fat",)
    )
    assert events == [
        ProfileUpdated(
            user_id=USER_ID, profile=expected, changed_fields=("height_cm", "fitness_level", "goals"), at=WHEN
        )
    ]
    assert user_after(events, user).profile == expected


def test_fields_left_out_keep_their_values():
    user = given(registered(), profile_updated(FULL, "height_cm"))
    events = decide(update(weight_kg=64), user)

    assert events[0].changed_fields == ("weight_kg",)  # type: ignore[union-attr]
    assert user_after(events, user).profile == replace(FULL, weight_kg=64.0)


def test_an_update_that_changes_nothing_records_nothing():
    user = given(registered(), profile_updated(FULL, "height_cm"))
    same = update(
        display_name=" Ada ",
        height_cm=170,
        preferences={"workout_days": 3, "units": "metric"},
        goals=("run 10k",),
    )
    assert decide(same, user) == []
    assert decide(update(), user) == []


def test_only_a_registered_user_has_a_profile():
    for state in (None, given(RegistrationAbandoned(user_id=USER_ID, at=WHEN))):
        with pytest.raises(UserNotFound):
            decide(update(height_cm=180), state)


@pytest.mark.parametrize("display_name", ["", "  ", "d" * 81])
def test_the_display_name_stays_required_and_short(display_name):
    assert refused_field(update(display_name=display_name)) == "display_name"


def test_the_birth_date_gives_an_age_from_13_to_120_on_the_day_of_the_command():
    user = given(registered())
    for years, days in ((13, 0), (120, 0), (13, 30), (119, 364)):
        born = born_years_before(years, days=days)
        assert decide(update(date_of_birth=born), user)[0].profile.date_of_birth == born  # type: ignore[union-attr]

    assert refused_field(update(date_of_birth=born_years_before(13, days=-1))) == "date_of_birth"
    assert refused_field(update(date_of_birth=born_years_before(121))) == "date_of_birth"
    assert refused_field(update(date_of_birth=WHEN.date())) == "date_of_birth"
    assert refused_field(update(date_of_birth=WHEN.date() + timedelta(days=1))) == "date_of_birth"


def test_the_age_is_judged_by_the_commands_time_not_a_clock():
    born = born_years_before(13, days=-1)  # turns 13 the day after WHEN
    assert refused_field(update(at=WHEN, date_of_birth=born)) == "date_of_birth"
    later = update(at=WHEN + timedelta(days=1), date_of_birth=born)
    assert decide(later, given(registered()))[0].profile.date_of_birth == born  # type: ignore[union-attr]


def test_a_birth_date_must_be_a_date_not_a_timestamp():
    assert refused_field(update(date_of_birth=datetime(1990, 1, 1, tzinfo=WHEN.tzinfo))) == "date_of_birth"


@pytest.mark.parametrize(
    ("field", "good", "bad"),
    [
        ("height_cm", [50, 272, 172.5], [49.9, 272.1, float("nan"), float("inf"), True, "180"]),
        ("weight_kg", [20, 500, 70.25], [19.99, 500.5, float("-inf"), False, "70"]),
    ],
)
def test_height_and_weight_stay_within_human_bounds(field, good, bad):
    user = given(registered())
    for value in good:
        assert getattr(decide(update(**{field: value}), user)[0].profile, field) == float(value)  # type: ignore[union-attr]
    for value in bad:
        assert refused_field(update(**{field: value})) == field


def test_fitness_level_and_gender_come_from_fixed_lists():
    user = given(registered())
    assert decide(update(fitness_level=FitnessLevel.ADVANCED, gender=Gender.NON_BINARY), user)
    assert refused_field(update(fitness_level="elite")) == "fitness_level"
    assert refused_field(update(gender="unknown")) == "gender"


@pytest.mark.parametrize("field", ["goals", "injuries", "available_equipment"])
def test_lists_hold_at_most_20_short_texts(field):
    user = given(registered())
    at_limit = tuple(f"item {index}" for index in range(20))
    assert getattr(decide(update(**{field: at_limit}), user)[0].profile, field) == at_limit  # type: ignore[union-attr]

    assert refused_field(update(**{field: (*at_limit, "one more")})) == field
    assert refused_field(update(**{field: ("x" * 81,)})) == field
    assert refused_field(update(**{field: ("ok", "  ")})) == field
    assert refused_field(update(**{field: "not a list"})) == field


def test_preferences_hold_at_most_50_json_scalars():
    user = given(registered())
    fifty = {f"key{index:02}": index for index in range(50)}
    assert len(decide(update(preferences=fifty), user)[0].profile.preferences) == 50  # type: ignore[union-attr]
    scalars = {"text": "x" * 500, "flag": False, "none": None, "ratio": 0.5, "big": 2**53 - 1}
    assert decide(update(preferences=scalars), user)[0].profile.preferences_dict() == scalars  # type: ignore[union-attr]

    assert refused_field(update(preferences={**fifty, "one_more": 1})) == "preferences"
    assert refused_field(update(preferences={"": 1})) == "preferences"
    assert refused_field(update(preferences={"k" * 65: 1})) == "preferences"
    assert refused_field(update(preferences={"nested": {"a": 1}})) == "preferences.nested"
    assert refused_field(update(preferences={"list": [1]})) == "preferences.list"
    assert refused_field(update(preferences={"text": "x" * 501})) == "preferences.text"
    assert refused_field(update(preferences={"ratio": float("nan")})) == "preferences.ratio"
    assert refused_field(update(preferences={"big": 2**53})) == "preferences.big"
    assert refused_field(update(preferences=[("a", 1)])) == "preferences"


def test_preferences_are_replaced_whole_and_compare_regardless_of_order():
    user = given(registered(), profile_updated(FULL, "preferences"))
    events = decide(update(preferences={"units": "imperial"}), user)
    assert user_after(events, user).profile.preferences == (("units", "imperial"),)
    assert decide(update(preferences={"workout_days": 3, "units": "metric"}), user) == []


def test_clearing_resets_optional_fields_and_empty_values_empty_lists():
    user = given(registered(), profile_updated(FULL, "height_cm"))
    events = decide(update(clear=frozenset({"height_cm", "gender"}), goals=(), preferences={}), user)

    assert events[0].changed_fields == ("gender", "height_cm", "preferences", "goals")  # type: ignore[union-attr]
    profile = user_after(events, user).profile
    assert (profile.height_cm, profile.gender, profile.goals, profile.preferences) == (None, None, (), ())
    assert profile.weight_kg == FULL.weight_kg


def test_clearing_is_limited_to_optional_single_values_and_never_combined_with_setting():
    assert refused_field(update(clear=frozenset({"display_name"}))) == "clear"
    assert refused_field(update(clear=frozenset({"goals"}))) == "clear"
    assert refused_field(update(clear=frozenset({"password_hash"}))) == "clear"
    assert refused_field(update(clear=frozenset({"height_cm"}), height_cm=180)) == "clear"
    assert refused_field(update(clear=["height_cm"])) == "clear"


def test_the_first_invalid_field_refuses_the_whole_update():
    user = given(registered())
    assert refused_field(update(height_cm=180, weight_kg=5), user) == "weight_kg"
