"""From available equipment as users write it to the library's equipment (`domain.library.equipment`)."""

from __future__ import annotations

import pytest

from domain.library.equipment import equipment_of
from domain.library.values import NO_EQUIPMENT, Equipment

E = Equipment

CASES: list[tuple[str, set[Equipment]]] = [
    ("dumbbells", {E.DUMBBELL}),
    ("adjustable dumbbells", {E.DUMBBELL}),
    ("Dumbells", {E.DUMBBELL}),
    ("pull-up bar", {E.OTHER}),
    ("pullup bar", {E.OTHER}),
    ("resistance bands", {E.BANDS}),
    ("kettlebell", {E.KETTLEBELLS}),
    ("2 kettle bells", {E.KETTLEBELLS}),
    ("barbell and rack", {E.BARBELL}),
    ("cable machine", {E.CABLE}),
    ("smith machine and cables", {E.MACHINE, E.CABLE}),
    ("home gym", {E.BARBELL, E.DUMBBELL, E.OTHER}),
    ("bench", {E.OTHER}),
    ("dumbbells & a bench", {E.DUMBBELL, E.OTHER}),
    ("swiss ball", {E.EXERCISE_BALL}),
    ("stability ball", {E.EXERCISE_BALL}),
    ("medicine ball", {E.MEDICINE_BALL}),
    ("foam roller", {E.FOAM_ROLL}),
    ("EZ bar", {E.EZ_CURL_BAR}),
    ("ez-curl bar", {E.EZ_CURL_BAR}),
    ("treadmill", {E.MACHINE}),
    ("free weights", {E.DUMBBELL, E.BARBELL, E.EZ_CURL_BAR}),
    ("weight bench", {E.OTHER}),
    ("gym ball", {E.EXERCISE_BALL}),
    ("nothing", set()),
    ("bodyweight only", set()),
    ("none", set()),
    ("yoga mat", set()),
]


@pytest.mark.parametrize(("item", "expected"), CASES, ids=[item for item, _ in CASES])
def test_items_name_library_equipment(item: str, expected: set[Equipment]) -> None:
    listed = equipment_of([item])

    assert listed.unrecognised == ()
    assert listed.equipment == frozenset(expected) | NO_EQUIPMENT


@pytest.mark.parametrize("gym", ["full gym", "commercial gym", "Gym membership", "everything"])
def test_a_full_gym_has_everything(gym: str) -> None:
    assert equipment_of([gym]).equipment == frozenset(Equipment)


def test_an_empty_list_is_not_filtered_by_equipment() -> None:
    assert equipment_of([]).equipment is None
    assert equipment_of(["", " - "]).equipment is None


def test_unrecognised_items_are_listed_and_add_nothing() -> None:
    listed = equipment_of(["my garage", "dumbbells", "a chair"])

    assert listed.unrecognised == ("my garage", "a chair")
    assert listed.equipment == NO_EQUIPMENT | {E.DUMBBELL}


def test_only_unrecognised_items_leave_what_needs_no_equipment() -> None:
    assert equipment_of(["stuff"]).equipment == NO_EQUIPMENT
