"""What a user may be offered (`domain.library.availability`): examples and monotonicity properties."""

from __future__ import annotations

from dataclasses import replace

from hypothesis import given as for_all
from hypothesis import settings
from hypothesis import strategies as st

from domain.library.availability import WHEN_UNSURE, Availability, availability_of, is_available
from domain.library.condition_vocabulary import CONDITIONS
from domain.library.contraindications import Contraindication as C
from domain.library.equipment_vocabulary import EQUIPMENT_KINDS
from domain.library.values import NO_EQUIPMENT, Equipment

Exercise = tuple[frozenset[Equipment], frozenset[C]]

BACK_SQUAT: Exercise = (
    frozenset({Equipment.BARBELL}),
    frozenset({C.DEEP_KNEE_FLEXION_LOADED, C.SPINAL_COMPRESSION_HEAVY, C.HEAVY_ISOMETRIC_VALSALVA}),
)
BOX_JUMP: Exercise = (frozenset({Equipment.OTHER}), frozenset({C.JUMPING, C.FALL_RISK}))
PUSH_UP: Exercise = (frozenset({Equipment.BODY_ONLY}), frozenset({C.WRIST_EXTENSION_LOADED}))
HAMSTRING_STRETCH: Exercise = (frozenset({Equipment.NONE}), frozenset())
DUMBBELL_CURL: Exercise = (frozenset({Equipment.DUMBBELL}), frozenset())
SEATED_CABLE_ROW: Exercise = (frozenset({Equipment.CABLE}), frozenset({C.HEAVY_GRIP}))


def available(exercise: Exercise, availability: Availability) -> bool:
    equipment, contraindications = exercise
    return is_available(equipment, contraindications, availability)


def test_a_profile_without_injuries_or_equipment_filters_nothing() -> None:
    availability = availability_of([], [])

    assert availability == Availability(frozenset(), None, (), ())
    assert all(
        available(exercise, availability)
        for exercise in (BACK_SQUAT, BOX_JUMP, PUSH_UP, HAMSTRING_STRETCH, DUMBBELL_CURL, SEATED_CABLE_ROW)
    )


def test_injuries_exclude_what_they_restrict() -> None:
    availability = availability_of(["knee (meniscus surgery 6 weeks ago)", "tennis elbow"], [])

    assert not available(BACK_SQUAT, availability)
    assert not available(BOX_JUMP, availability)
    assert not available(SEATED_CABLE_ROW, availability)
    assert available(DUMBBELL_CURL, availability)
    assert availability.unrecognised_conditions == ()


def test_an_unrecognised_injury_excludes_when_unsure_and_is_reported() -> None:
    availability = availability_of(["tennis elbow", "my thing from 2019"], [])

    assert availability.exclude >= WHEN_UNSURE
    assert availability.unrecognised_conditions == ("my thing from 2019",)
    assert not available(BACK_SQUAT, availability)
    assert not available(BOX_JUMP, availability)
    assert available(DUMBBELL_CURL, availability)


def test_when_unsure_is_conservative() -> None:
    assert {
        C.MAXIMAL_EFFORT,
        C.JUMPING,
        C.HEAVY_ISOMETRIC_VALSALVA,
        C.SPINAL_COMPRESSION_HEAVY,
        C.FALL_RISK,
    } <= WHEN_UNSURE


def test_equipment_filters_to_what_the_user_has_plus_what_needs_nothing() -> None:
    availability = availability_of([], ["dumbbells", "stuff in the shed"])

    assert availability.available_equipment == NO_EQUIPMENT | {Equipment.DUMBBELL}
    assert availability.unrecognised_equipment == ("stuff in the shed",)
    assert available(DUMBBELL_CURL, availability)
    assert available(PUSH_UP, availability)
    assert available(HAMSTRING_STRETCH, availability)
    assert not available(BACK_SQUAT, availability)
    assert not available(SEATED_CABLE_ROW, availability)


def test_bodyweight_only_still_offers_what_needs_no_equipment() -> None:
    availability = availability_of([], ["bodyweight only"])

    assert available(PUSH_UP, availability)
    assert available(HAMSTRING_STRETCH, availability)
    assert not available(DUMBBELL_CURL, availability)


# ---------------------------------------------------------------- properties

INJURY_TEXTS = [phrase for condition in CONDITIONS for phrase in condition.phrases] + [
    "my cat",
    "sad",
    "none",
    "n/a",
    "",
    "knee (meniscus surgery 6 weeks ago)",
    "pregnant, third trimester",
]
EQUIPMENT_TEXTS = [phrase for kind in EQUIPMENT_KINDS for phrase in kind.phrases] + ["my garage", "a chair"]

injuries = st.lists(st.one_of(st.sampled_from(INJURY_TEXTS), st.text(max_size=20)), max_size=4)
equipment_items = st.lists(
    st.one_of(st.sampled_from(EQUIPMENT_TEXTS), st.text(alphabet="abcdefghij ", min_size=1, max_size=12)),
    min_size=1,
    max_size=5,
)
exercises = st.lists(
    st.tuples(
        st.frozensets(st.sampled_from(list(Equipment)), min_size=1, max_size=3),
        st.frozensets(st.sampled_from(list(C)), max_size=4),
    ),
    min_size=1,
    max_size=30,
)
tag_sets = st.frozensets(st.sampled_from(list(C)))
equipment_sets = st.frozensets(st.sampled_from(list(Equipment)))


def offered(catalogue: list[Exercise], availability: Availability) -> set[int]:
    return {index for index, exercise in enumerate(catalogue) if available(exercise, availability)}


@settings(max_examples=300, deadline=None)
@for_all(injuries, st.one_of(st.sampled_from(INJURY_TEXTS), st.text(max_size=20)), exercises)
def test_adding_an_injury_never_adds_an_exercise(
    before: list[str], added: str, catalogue: list[Exercise]
) -> None:
    with_fewer = availability_of(before, ["full gym"])
    with_more = availability_of([*before, added], ["full gym"])

    assert with_fewer.exclude <= with_more.exclude
    assert offered(catalogue, with_more) <= offered(catalogue, with_fewer)


@settings(max_examples=300, deadline=None)
@for_all(equipment_items, st.data(), exercises)
def test_removing_an_equipment_item_never_adds_an_exercise(
    items: list[str], data: st.DataObject, catalogue: list[Exercise]
) -> None:
    removed = data.draw(st.integers(min_value=0, max_value=len(items) - 1))
    fewer_items = items[:removed] + items[removed + 1 :]
    with_more = availability_of([], items)
    with_fewer = availability_of([], fewer_items)
    if with_fewer.available_equipment is None:
        return  # listing nothing means "not said": not filtered (see the test below)

    assert with_more.available_equipment is not None
    assert with_fewer.available_equipment <= with_more.available_equipment
    assert offered(catalogue, with_fewer) <= offered(catalogue, with_more)


@settings(max_examples=300, deadline=None)
@for_all(tag_sets, tag_sets, equipment_sets, equipment_sets, exercises)
def test_more_restrictions_or_less_equipment_never_add_an_exercise(
    exclude: frozenset[C],
    more_exclude: frozenset[C],
    equipment: frozenset[Equipment],
    less_equipment: frozenset[Equipment],
    catalogue: list[Exercise],
) -> None:
    base = Availability(exclude, equipment, (), ())
    restricted = replace(base, exclude=exclude | more_exclude, available_equipment=equipment & less_equipment)

    assert offered(catalogue, restricted) <= offered(catalogue, base)
    assert offered(catalogue, base) <= offered(catalogue, replace(base, available_equipment=None))


def test_an_empty_equipment_list_means_not_filtered_rather_than_nothing() -> None:
    assert availability_of([], []).available_equipment is None
    assert availability_of([], ["nothing"]).available_equipment == NO_EQUIPMENT


@settings(max_examples=200, deadline=None)
@for_all(injuries, injuries)
def test_restrictions_of_a_list_are_the_union_of_its_parts(first: list[str], second: list[str]) -> None:
    together = availability_of([*first, *second], [])
    one, other = availability_of(first, []), availability_of(second, [])

    assert together.exclude == one.exclude | other.exclude
    assert together.unrecognised_conditions == one.unrecognised_conditions + other.unrecognised_conditions
