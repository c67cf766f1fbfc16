"""The conditions and equipment vocabularies are well-formed data."""

from __future__ import annotations

import inspect
import re
from collections import defaultdict

import pytest

import domain.library.condition_vocabulary as condition_vocabulary
from domain.library.condition_vocabulary import CONDITIONS, WHEN_UNSURE, Condition
from domain.library.conditions import conditions_in
from domain.library.contraindications import Contraindication
from domain.library.equipment import kinds_in
from domain.library.equipment_vocabulary import EQUIPMENT_KINDS, EquipmentKind
from domain.library.phrase_matching import STOP_WORDS, normalise, words
from domain.library.values import Equipment

SHARED_PHRASES: frozenset[str] = frozenset()
"""Normalised phrases deliberately listed under two entries (none so far)."""


def phrase_words(phrase: str) -> frozenset[str]:
    return frozenset(words(phrase)) - STOP_WORDS


def test_the_vocabulary_is_large_enough_and_names_are_unique() -> None:
    names = [condition.name for condition in CONDITIONS]
    assert len(names) >= 50
    assert len(set(names)) == len(names)


@pytest.mark.parametrize("condition", CONDITIONS, ids=[condition.name for condition in CONDITIONS])
def test_each_entry_has_phrases_and_valid_tags(condition: Condition) -> None:
    assert isinstance(condition.phrases, tuple)
    assert condition.phrases
    assert all(phrase_words(phrase) for phrase in condition.phrases)
    assert condition.restricts
    assert all(isinstance(tag, Contraindication) for tag in condition.restricts)
    assert isinstance(condition.unless, tuple)
    assert all(word == normalise(word) and " " not in word for word in condition.unless)


def test_when_unsure_is_made_of_valid_tags() -> None:
    assert WHEN_UNSURE
    assert all(isinstance(tag, Contraindication) for tag in WHEN_UNSURE)


def test_each_entry_has_a_comment_saying_why() -> None:
    source = inspect.getsource(condition_vocabulary)
    commented = re.findall(r"\n    Condition\(\n        # \S", source)
    assert len(commented) == len(CONDITIONS)


def test_no_phrase_belongs_to_two_entries() -> None:
    owners: dict[frozenset[str], set[str]] = defaultdict(set)
    for condition in CONDITIONS:
        for phrase in condition.phrases:
            owners[phrase_words(phrase)].add(condition.name)
    shared = {" ".join(sorted(key)) for key, names in owners.items() if len(names) > 1}
    assert shared == SHARED_PHRASES


@pytest.mark.parametrize("condition", CONDITIONS, ids=[condition.name for condition in CONDITIONS])
def test_no_phrase_of_an_entry_is_redundant_with_another_of_the_same_entry(condition: Condition) -> None:
    phrase_sets = [phrase_words(phrase) for phrase in condition.phrases]
    redundant = [
        phrase
        for phrase, own in zip(condition.phrases, phrase_sets, strict=True)
        if any(other < own or (other == own and other is not own) for other in phrase_sets)
    ]
    assert redundant == []


@pytest.mark.parametrize("condition", CONDITIONS, ids=[condition.name for condition in CONDITIONS])
def test_every_phrase_recognises_its_own_entry(condition: Condition) -> None:
    for phrase in condition.phrases:
        assert condition in conditions_in(phrase), phrase


def test_equipment_kinds_are_well_formed() -> None:
    names = [kind.name for kind in EQUIPMENT_KINDS]
    assert len(set(names)) == len(names)
    owners: dict[frozenset[str], set[str]] = defaultdict(set)
    for kind in EQUIPMENT_KINDS:
        assert isinstance(kind.phrases, tuple)
        assert kind.phrases
        assert kind.provides
        assert all(isinstance(equipment, Equipment) for equipment in kind.provides)
        for phrase in kind.phrases:
            owners[phrase_words(phrase)].add(kind.name)
    assert {" ".join(sorted(key)) for key, kinds in owners.items() if len(kinds) > 1} == set()


@pytest.mark.parametrize("kind", EQUIPMENT_KINDS, ids=[kind.name for kind in EQUIPMENT_KINDS])
def test_every_equipment_phrase_recognises_its_own_kind(kind: EquipmentKind) -> None:
    for phrase in kind.phrases:
        assert kind in kinds_in(phrase), phrase


def test_every_library_equipment_can_be_named() -> None:
    provided = {equipment for kind in EQUIPMENT_KINDS for equipment in kind.provides}
    assert provided == set(Equipment)
