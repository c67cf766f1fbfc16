"""One rule for every user-visible text (`domain.safe_text`): controls, bidirectional overrides and isolates,
noncharacters and lone surrogates are refused with DISALLOWED_CHARACTER wherever they stand in whichever
field; printable text of every script, and the direction marks right-to-left writers need, passes."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from uuid import UUID

import pytest
from hypothesis import given as for_all
from hypothesis import strategies as st

from domain.errors import DisallowedCharacter
from domain.plans import Plan, decide
from domain.safe_text import DISALLOWED_CHARACTER, describe, first_refused
from domain.users.commands import ProfileChanges, RegisterUser
from domain.users.decision import decide as decide_user
from domain.users.profile_changes import apply_changes
from domain.users.values import Profile
from domain.validation import text
from tests.domain.plans import (
    WHEN,
    add_exercise,
    added,
    create_plan,
    create_version,
    created,
    exercise,
    given,
    rename,
    update_exercise,
)

C0 = [chr(c) for c in range(0x20) if chr(c) not in "\t\n\r"] + ["\x7f"]
C1 = [chr(c) for c in range(0x80, 0xA0)]
BIDI_OVERRIDES = [chr(c) for c in range(0x202A, 0x202F)] + [chr(c) for c in range(0x2066, 0x206A)]
NONCHARACTERS = [chr(c) for c in range(0xFDD0, 0xFDF0)] + [
    chr(plane * 0x10000 + last) for plane in range(17) for last in (0xFFFE, 0xFFFF)
]
SURROGATES = ["\ud800", "\udbff", "\udc00", "\udfff"]
REFUSED = C0 + C1 + BIDI_OVERRIDES + NONCHARACTERS + SURROGATES
NEIGHBOURS = ["\xa0", "\u2029", "\u202f", "\u2065", "\u206a", "\ufdcf", "\ufdf0", "\ufffd", "\U0001fffd"]
"""Just outside each refused range: allowed."""
DIRECTION_MARKS = ["\u200e", "\u200f", "\u061c"]
"""Left-to-right, right-to-left and Arabic letter marks: needed in right-to-left text, and allowed."""

refused_characters = st.sampled_from(REFUSED)
# Letters, marks, numbers, punctuation, symbols and spaces of every script, the direction marks, the zero
# width joiner of emoji sequences, tab and newline: what people write.
allowed_characters = st.characters(categories=["L", "M", "N", "P", "S", "Zs"])
allowed_formats = st.sampled_from([*DIRECTION_MARKS, "\u200d", "\t", "\n"])
allowed_text = st.text(allowed_characters | allowed_formats, max_size=40)
# Around an inserted character: no surrounding whitespace that `strip()` would remove with it.
words = st.text(st.characters(categories=["L", "N", "P", "S"]), min_size=1, max_size=20)

PROFILE = Profile(display_name="Ada")
USER = UUID(int=7)


def register(display_name: str) -> object:
    command = RegisterUser(
        user_id=USER, email="ada@example.com", password_hash="$argon2id$x", display_name=display_name, at=WHEN
    )
    return decide_user(command, None)


def profile(**changes: object) -> object:
    return apply_changes(PROFILE, ProfileChanges(**changes), date(2025, 1, 1))  # type: ignore[arg-type]


def plan_with_squat() -> Plan | None:
    return given(created(), added("Barbell_Squat"))


# Every user-visible text field, each as (the field named in the error, a command carrying the text).
FIELDS: list[tuple[str, Callable[[str], object]]] = [
    ("name", lambda s: decide(create_plan(name=s), given())),
    ("description", lambda s: decide(create_plan(description=s), given())),
    ("name", lambda s: decide(rename(s), given(created()))),
    ("change_description", lambda s: decide(create_version(s), given(created()))),
    ("exercise.exercise_id", lambda s: decide(add_exercise(exercise(f"Squat_{s}")), given(created()))),
    ("exercise.name", lambda s: decide(add_exercise(exercise(name=s)), given(created()))),
    ("exercise.notes", lambda s: decide(add_exercise(exercise(notes=s)), given(created()))),
    ("exercise.alternatives", lambda s: decide(add_exercise(exercise(alternatives=(s,))), given(created()))),
    ("changes.name", lambda s: decide(update_exercise("Barbell_Squat", name=s), plan_with_squat())),
    ("changes.notes", lambda s: decide(update_exercise("Barbell_Squat", notes=s), plan_with_squat())),
    ("display_name", register),
    ("display_name", lambda s: profile(display_name=s)),
    ("goals", lambda s: profile(goals=("run", s))),
    ("injuries", lambda s: profile(injuries=(s,))),
    ("available_equipment", lambda s: profile(available_equipment=(s,))),
    ("preferences", lambda s: profile(preferences={s: True})),
    ("preferences.tone", lambda s: profile(preferences={"tone": s})),
]
FIELD_IDS = [f"{field}-{index}" for index, (field, _) in enumerate(FIELDS)]


@pytest.mark.parametrize(("field", "command"), FIELDS, ids=FIELD_IDS)
@for_all(before=words, character=refused_characters, after=words)
def test_a_refused_character_is_refused_wherever_it_stands_in_whichever_field(
    field: str, command: Callable[[str], object], before: str, character: str, after: str
) -> None:
    with pytest.raises(DisallowedCharacter) as refused:
        command(before + character + after)  # at most 41 characters: within every field's bound
    assert (refused.value.code, refused.value.field) == (DISALLOWED_CHARACTER, field)
    assert describe(character) in refused.value.message


@pytest.mark.parametrize(("field", "command"), FIELDS, ids=FIELD_IDS)
@for_all(value=words)
def test_printable_words_pass_every_field(field: str, command: Callable[[str], object], value: str) -> None:
    command(value)  # raises nothing


@for_all(value=allowed_text)
def test_text_of_the_allowed_categories_passes_unchanged(value: str) -> None:
    assert text("notes", value, 1000) == value
    assert first_refused(value) is None


@for_all(value=allowed_text, position=st.integers(min_value=0), character=refused_characters)
def test_one_refused_character_anywhere_in_allowed_text_is_found(
    value: str, position: int, character: str
) -> None:
    at = position % (len(value) + 1)
    spoiled = value[:at] + character + value[at:]
    assert first_refused(spoiled) == character
    with pytest.raises(DisallowedCharacter):
        text("notes", spoiled, 1000)


@pytest.mark.parametrize("character", REFUSED, ids=lambda c: f"U+{ord(c):04X}")
def test_every_code_point_of_the_refused_ranges_is_refused(character: str) -> None:
    assert first_refused(f"a{character}b") == character
    assert describe(character).startswith(f"U+{ord(character):04X}")


@pytest.mark.parametrize("character", [*NEIGHBOURS, *DIRECTION_MARKS, "\t", "\n", "\r", " "])
def test_the_neighbours_of_the_refused_ranges_and_the_direction_marks_are_allowed(character: str) -> None:
    assert first_refused(f"a{character}b") is None


def test_the_message_names_the_character() -> None:
    with pytest.raises(DisallowedCharacter) as refused:
        decide(create_plan(name="Leg day \u202egnp.exe"), given())
    assert refused.value.message == "name: must not contain U+202E RIGHT-TO-LEFT OVERRIDE"
    assert describe("\x85") == "U+0085 (a control character)"
    assert describe("\U0010ffff") == "U+10FFFF (a noncharacter)"
    assert describe("\udc00") == "U+DC00 (a lone surrogate)"
