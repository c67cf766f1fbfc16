"""Random profile updates, valid and invalid mixed: folding the recorded events reproduces the state."""

from __future__ import annotations

import json
from datetime import timedelta

from hypothesis import HealthCheck, settings
from hypothesis import given as for_all
from hypothesis import strategies as st

from domain.errors import DomainError
from domain.users import User, decode, encode, fold
from domain.users import validation as v
from domain.users.commands import ProfileChanges, UpdateProfile
from domain.users.events import ProfileUpdated, UserEvent
from domain.users.profile_changes import apply_changes
from domain.users.values import CLEARABLE_FIELDS, PROFILE_FIELDS, FitnessLevel, Gender, Profile
from tests.domain.users import USER_ID, WHEN, born_years_before, decide_or_error, registered

SHORT_TEXTS = st.lists(st.sampled_from(["run", " swim ", "x" * 80, "knee"]), max_size=20).map(tuple)
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(-(2**53) + 1, 2**53 - 1)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.text(max_size=3)
)
PREFERENCES = st.dictionaries(st.sampled_from(["units", "days", "k" * 64]), SCALARS, max_size=6)

VALID_CHANGES = st.builds(
    ProfileChanges,
    display_name=st.none() | st.sampled_from(["Ada", " Grace ", "n" * 80]),
    date_of_birth=st.none() | st.integers(13, 120).map(lambda years: born_years_before(years)),
    gender=st.none() | st.sampled_from(list(Gender)),
    height_cm=st.none() | st.floats(50, 272) | st.sampled_from([50, 272]),
    weight_kg=st.none() | st.floats(20, 500) | st.sampled_from([20, 500]),
    fitness_level=st.none() | st.sampled_from(list(FitnessLevel)),
    preferences=st.none() | PREFERENCES,
    goals=st.none() | SHORT_TEXTS,
    injuries=st.none() | SHORT_TEXTS,
    available_equipment=st.none() | SHORT_TEXTS,
)
CLEARING = st.frozensets(st.sampled_from(sorted(CLEARABLE_FIELDS)), min_size=1, max_size=3).map(
    lambda names: ProfileChanges(clear=names)
)
# One bad field at a time, so each rule is reached on its own.
BAD_CHANGES = st.sampled_from(
    [
        ProfileChanges(display_name=" "),
        ProfileChanges(date_of_birth=born_years_before(12)),
        ProfileChanges(date_of_birth=born_years_before(121)),
        ProfileChanges(height_cm=49.5),
        ProfileChanges(weight_kg=float("nan")),
        ProfileChanges(preferences={"nested": {"a": 1}}),  # type: ignore[dict-item]
        ProfileChanges(preferences={f"k{i}": i for i in range(51)}),
        ProfileChanges(goals=("",)),
        ProfileChanges(injuries=("y" * 81,)),
        ProfileChanges(available_equipment=("z",) * 21),
        ProfileChanges(clear=frozenset({"goals"})),
        ProfileChanges(height_cm=180, clear=frozenset({"height_cm"})),
    ]
)
CHANGES = st.sampled_from(range(8)).flatmap(
    lambda roll: BAD_CHANGES if roll == 0 else CLEARING if roll == 1 else VALID_CHANGES
)


def round_trip(event: UserEvent) -> UserEvent:
    event_type, schema_version, data = encode(event)
    return decode(event_type, schema_version, json.loads(json.dumps(data, allow_nan=False)))


def assert_valid(profile: Profile) -> None:
    """Every value in the profile passes the same checks a command must pass."""
    today = WHEN.date()
    assert v.display_name("display_name", profile.display_name) == profile.display_name
    if profile.date_of_birth is not None:
        v.date_of_birth("date_of_birth", profile.date_of_birth, today)
    if profile.height_cm is not None:
        v.measure("height_cm", profile.height_cm, v.HEIGHT_CM, "cm")
    if profile.weight_kg is not None:
        v.measure("weight_kg", profile.weight_kg, v.WEIGHT_KG, "kg")
    assert v.preferences("preferences", profile.preferences_dict()) == profile.preferences
    for field in ("goals", "injuries", "available_equipment"):
        assert v.short_texts(field, getattr(profile, field)) == getattr(profile, field)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@for_all(st.lists(CHANGES, min_size=1, max_size=12))
def test_folding_the_recorded_events_reproduces_the_state_built_step_by_step(all_changes):
    history: list[UserEvent] = [registered()]
    state = fold(history)
    for step, changes in enumerate(all_changes):
        command = UpdateProfile(user_id=USER_ID, changes=changes, at=WHEN + timedelta(seconds=step))
        events = decide_or_error(command, state)
        if isinstance(events, DomainError):
            assert events.code in ("VALIDATION", "DISALLOWED_CHARACTER")
            assert events.field
            continue
        assert isinstance(state, User)
        for event in events:
            assert isinstance(event, ProfileUpdated)
            differing = tuple(
                f for f in PROFILE_FIELDS if getattr(event.profile, f) != getattr(state.profile, f)
            )
            assert differing, "an event is only recorded for a real change"
            assert event.changed_fields == differing
            assert round_trip(event) == event
        state = fold(events, state)
        history.extend(events)
        assert isinstance(state, User)
        assert_valid(state.profile)
        assert apply_changes(state.profile, ProfileChanges(), WHEN.date()) == (state.profile, ())

    assert fold(history) == state
    assert fold(round_trip(event) for event in history) == state
