"""Normalisation and tolerant phrase matching (`domain.library.phrase_matching`)."""

from __future__ import annotations

import pytest

from domain.library.phrase_matching import (
    PhraseMatcher,
    clauses,
    edit_distance,
    normalise,
    says_nothing,
    singular,
    without_contained,
    words,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Knee (Meniscus surgery, 6 weeks ago)", "knee meniscus surgery 6 week ago"),
        ("Golfer\u2019s ELBOW", "golfer elbow"),
        ("golfer's elbow", "golfer elbow"),
        ("Pull-up bar", "pull up bar"),
        ("Ménière's", "meniere"),
        ("  injuries   ", "injury"),
        ("L4/L5 discs", "l4 l5 disc"),
        ("!!!", ""),
    ],
)
def test_normalise_folds_case_accents_punctuation_and_plurals(text: str, expected: str) -> None:
    assert normalise(text) == expected


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("knees", "knee"),
        ("injuries", "injury"),
        ("crunches", "crunch"),
        ("boxes", "box"),
        ("glasses", "glass"),
        ("meniscus", "meniscus"),
        ("arthritis", "arthritis"),
        ("stenosis", "stenosis"),
        ("abs", "abs"),
        ("2000s", "2000"),
    ],
)
def test_singular_strips_plural_endings_but_not_latin_ones(word: str, expected: str) -> None:
    assert singular(word) == expected


@pytest.mark.parametrize(
    ("first", "second", "distance"),
    [
        ("meniscus", "meniscus", 0),
        ("menicus", "meniscus", 1),
        ("impingment", "impingement", 1),
        ("pregnent", "pregnant", 1),
        ("sholuder", "shoulder", 1),  # a swap of neighbours counts once
        ("kitten", "sitting", 3),
    ],
)
def test_edit_distance(first: str, second: str, distance: int) -> None:
    assert edit_distance(first, second, limit=5) == distance
    assert edit_distance(second, first, limit=5) == distance


def test_edit_distance_stops_past_the_limit() -> None:
    assert edit_distance("arthritis", "asthma", limit=1) == 2
    assert edit_distance("a", "abcdef", limit=2) == 3


@pytest.mark.parametrize(
    "text", ["", " ", "-", "--", "None", "none.", "N/A", "n/a", "no injuries", "Nothing", "nil"]
)
def test_says_nothing(text: str) -> None:
    assert says_nothing(text)


@pytest.mark.parametrize("text", ["knee", "no knee problems", "not sure", "my cat"])
def test_says_something(text: str) -> None:
    assert not says_nothing(text)


def test_clauses_split_at_punctuation_and_separator_words() -> None:
    assert clauses("Dumbbells & a bench, pull-up bar", frozenset({"and"})) == (
        ("dumbbell",),
        ("a", "bench"),
        ("pull", "up", "bar"),
    )
    assert clauses("barbell and rack", frozenset({"and"})) == (("barbell",), ("rack",))
    assert clauses("barbell and rack") == (("barbell", "and", "rack"),)
    assert clauses(" - ") == ()


MATCHER = PhraseMatcher(
    [
        ("knee arthritis", "knee arthritis"),
        ("meniscus", "meniscus"),
        ("postpartum", "had a baby"),
        ("strain", "strain"),
        ("sprain", "sprain"),
        ("cable", "cable machine"),
        ("machine", "machine"),
    ]
)


def keys(text: str) -> set[str]:
    return {match.key for match in MATCHER.matches(words(text))}


def test_phrase_words_match_in_any_order() -> None:
    assert keys("arthritis in my left knee") == {"knee arthritis"}
    assert keys("knee") == set()


def test_stop_words_of_a_phrase_need_not_occur() -> None:
    assert keys("had baby in may") == {"postpartum"}


def test_long_words_tolerate_a_typo_with_the_same_first_letter() -> None:
    assert keys("menicus") == {"meniscus"}
    assert keys("meniscsu") == {"meniscus"}
    assert keys("beniscus") == set()
    assert keys("mencs") == set()


def test_known_words_are_not_corrected_into_each_other() -> None:
    assert keys("strain") == {"strain"}
    assert keys("sprain") == {"sprain"}


def test_without_contained_drops_phrases_inside_longer_matches() -> None:
    matches = MATCHER.matches(words("cable machine"))
    assert {match.key for match in matches} == {"cable", "machine"}
    assert {match.key for match in without_contained(matches)} == {"cable"}


def test_a_phrase_of_stop_words_only_is_refused() -> None:
    with pytest.raises(ValueError, match="without words"):
        PhraseMatcher([("empty", "of the")])
