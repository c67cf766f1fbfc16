"""Reading free-exercise-db files: the vocabulary mapping, the skip reasons for entries that cannot be
used, the errors for files that are no library at all, and what the shipped file holds (facts only)."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import pytest

from adapters.exercise_data import parse_library, read_library, shipped_library
from adapters.exercise_data.extract import KEPT_FIELDS, MIN_SENTENCE_WORDS, fingerprint, sentence_words
from application.library_source import LibrarySourceError
from domain.library.values import Category, Equipment, Force, Level, Mechanic, Muscle

FINGERPRINTS = Path(__file__).with_name("upstream_instruction_fingerprints.txt")


def entry(**changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": "Curl_Thing",
        "name": "Curl Thing",
        "category": "strength",
        "level": "beginner",
        "force": "pull",
        "mechanic": "isolation",
        "equipment": "e-z curl bar",
        "primaryMuscles": ["biceps"],
        "secondaryMuscles": ["forearms"],
        "instructions": ["Hold the bar and curl it up slowly to the chest."],
        "images": ["Curl_Thing/0.jpg"],
    }
    base.update(changes)
    return {key: value for key, value in base.items() if value is not ...}


def test_the_upstream_vocabulary_maps_to_ours() -> None:
    source = parse_library(
        [
            entry(),
            entry(
                id="Lift_Thing",
                name="Lift Thing",
                category="olympic weightlifting",
                level="expert",
                force=None,
                mechanic=None,
                equipment=None,
                primaryMuscles=["lower back"],
                secondaryMuscles=["middle back", "lower back"],
            ),
            entry(id="Body_Thing", name="Body Thing", equipment="body only"),
        ]
    )
    assert source.skipped == ()
    curl, lift, body = source.definitions
    assert (curl.category, curl.level, curl.force, curl.mechanic) == (
        Category.STRENGTH,
        Level.BEGINNER,
        Force.PULL,
        Mechanic.ISOLATION,
    )
    assert curl.equipment == (Equipment.EZ_CURL_BAR,)
    assert (curl.primary_muscles, curl.secondary_muscles) == ((Muscle.BICEPS,), (Muscle.FOREARMS,))
    assert lift.category is Category.OLYMPIC_WEIGHTLIFTING
    assert (lift.force, lift.mechanic, lift.equipment) == (None, None, (Equipment.NONE,))
    assert lift.primary_muscles == (Muscle.LOWER_BACK,)
    assert lift.secondary_muscles == (Muscle.MIDDLE_BACK,)  # the repeated primary muscle is dropped
    assert body.equipment == (Equipment.BODY_ONLY,)
    assert curl.patterns
    assert curl.cues
    assert body.exercise_id in curl.variations  # same main pattern and muscle, other equipment


def test_the_instructions_are_ignored() -> None:
    (definition,) = parse_library([entry()]).definitions
    texts = [definition.name, *definition.aliases, *definition.cues]
    assert not any("Hold the bar" in text for text in texts)


@pytest.mark.parametrize(
    ("bad", "label", "reason"),
    [
        ("not an entry", "entry 2", "not an object"),
        (entry(id=...), "entry 2", "no id"),
        (entry(id="  "), "entry 2", "no id"),
        (entry(id="has space"), "has space", "unusable id 'has space'"),
        (entry(id="Curl_Thing"), "Curl_Thing", "duplicate id 'Curl_Thing'"),
        (entry(id="X", name=""), "X", "no name"),
        (entry(id="X", category="x"), "X", 'unknown category "x"'),
        (entry(id="X", category=...), "X", "unknown category missing"),
        (entry(id="X", level="godlike"), "X", 'unknown level "godlike"'),
        (entry(id="X", force="twist"), "X", 'unknown force "twist"'),
        (entry(id="X", mechanic=3), "X", "unknown mechanic 3"),
        (entry(id="X", equipment="spaceship"), "X", 'unknown equipment "spaceship"'),
        (entry(id="X", primaryMuscles=[]), "X", "no primary muscle"),
        (entry(id="X", primaryMuscles=...), "X", "no primary muscle"),
        (entry(id="X", primaryMuscles=["spleen"]), "X", 'unknown muscle "spleen"'),
        (entry(id="X", secondaryMuscles="calves"), "X", "secondaryMuscles is not a list"),
        (entry(id="X", name="x" * 200), "X", "name: must be at most 120 characters"),
    ],
)
def test_an_entry_that_cannot_be_used_is_skipped_with_its_reason(
    bad: object, label: str, reason: str
) -> None:
    source = parse_library([entry(), bad])
    assert [definition.exercise_id for definition in source.definitions] == ["Curl_Thing"]
    (skipped,) = source.skipped
    assert skipped.entry == label
    assert skipped.reason.startswith(reason), skipped.reason


def test_variations_name_only_exercises_that_were_kept() -> None:
    source = parse_library(
        [
            entry(),
            entry(id="Long_Curl", name="Long Curl " + "x" * 200),
            entry(id="Band_Curl", equipment="bands"),
        ]
    )
    curl, band = source.definitions
    assert [skipped.entry for skipped in source.skipped] == ["Long_Curl"]
    assert (curl.variations, band.variations) == (("Band_Curl",), ("Curl_Thing",))


def test_the_order_of_the_entries_does_not_change_the_definitions() -> None:
    entries = json.loads(
        resources.files("adapters.exercise_data").joinpath("free_exercise_db.json").read_text()
    )
    forwards = parse_library(entries).definitions
    backwards = parse_library(list(reversed(entries))).definitions
    assert sorted(forwards, key=lambda item: item.exercise_id) == sorted(
        backwards, key=lambda item: item.exercise_id
    )


def test_a_file_that_is_no_library_is_an_error(tmp_path: Path) -> None:
    with pytest.raises(LibrarySourceError, match="cannot read"):
        read_library(tmp_path / "missing.json")
    not_json = tmp_path / "broken.json"
    not_json.write_text("[{'id': ")
    with pytest.raises(LibrarySourceError, match="is not JSON"):
        read_library(not_json)
    not_a_list = tmp_path / "object.json"
    not_a_list.write_text('{"id": "Curl_Thing"}')
    with pytest.raises(LibrarySourceError, match="JSON list"):
        read_library(not_a_list)
    assert LibrarySourceError.code == "LIBRARY_SOURCE_UNREADABLE"


def test_a_file_in_the_upstream_format_is_read(tmp_path: Path) -> None:
    path = tmp_path / "exercises.json"
    path.write_text(json.dumps([entry(), entry(id="Second", name="Second Curl"), {"name": "no id"}]))
    source = read_library(path)
    assert [definition.exercise_id for definition in source.definitions] == ["Curl_Thing", "Second"]
    assert [(skipped.entry, skipped.reason) for skipped in source.skipped] == [("entry 3", "no id")]


def test_the_shipped_file_is_package_data_and_holds_facts_only() -> None:
    text = resources.files("adapters.exercise_data").joinpath("free_exercise_db.json").read_text()
    entries = json.loads(text)
    assert len(entries) == 873
    assert all(set(item) <= set(KEPT_FIELDS) for item in entries)
    source = shipped_library()
    assert len(source.definitions) == 873
    assert source.skipped == ()
    notice = resources.files("adapters.exercise_data").joinpath("NOTICE.md").read_text()
    assert "Unlicense" in notice
    assert "instructions" in notice


def test_no_shipped_text_equals_or_contains_an_upstream_instruction_sentence() -> None:
    """The fingerprints are hashes of the upstream instruction sentences (written by `extract
    --fingerprints`), so this checks against the texts without shipping them."""
    prints = set(FINGERPRINTS.read_text().split())
    assert len(prints) > 4000
    texts = {
        text
        for definition in shipped_library().definitions
        for text in (definition.name, *definition.aliases, *definition.cues)
    }
    for text in texts:
        words = sentence_words(text)
        spans = {
            fingerprint(words[start:end])
            for start in range(len(words))
            for end in range(start + MIN_SENTENCE_WORDS, len(words) + 1)
        }
        assert not spans & prints, text


def test_the_fingerprints_catch_an_instruction_sentence() -> None:
    sentence = "This will be your starting position"
    assert fingerprint(sentence_words(sentence)) in set(FINGERPRINTS.read_text().split())
