"""Parsing a library file of the free-exercise-db format into a `LibrarySource` (`parse_library`).

Only the facts are read (id, name, category, level, force, mechanic, equipment, primaryMuscles,
secondaryMuscles); anything else in an entry, such as the upstream "instructions" and "images", is
ignored. Movement patterns, contraindications, cues and variations are ours (`domain.library.tagging`,
`cues`, `variations`). An entry that cannot be used becomes a `SkippedEntry` with the reason.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, replace
from enum import StrEnum
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TypeVar

from adapters.exercise_data.vocabulary import CATEGORIES, EQUIPMENT, FORCES, LEVELS, MECHANICS, MUSCLES
from application.library_source import LibrarySource, LibrarySourceError, SkippedEntry
from domain.errors import DomainError
from domain.library import validation
from domain.library.cues import cues_for
from domain.library.tagging import ExerciseFacts, Tags, tags_of
from domain.library.values import Equipment, ExerciseDefinition, Level, Muscle
from domain.library.variations import VariationFacts, variations_of

SHIPPED_FILE = "free_exercise_db.json"
V = TypeVar("V", bound=StrEnum)


class _Unusable(Exception):
    """Why one entry cannot be imported (becomes its SkippedEntry's reason)."""


@dataclass(frozen=True, slots=True)
class _Parsed:
    facts: ExerciseFacts
    level: Level
    tags: Tags


def parse_library(entries: object) -> LibrarySource:
    """The definitions of the usable entries (first occurrence of an id wins) and the skipped ones.

    Raises LibrarySourceError when `entries` is not a list."""
    if not isinstance(entries, list):
        raise LibrarySourceError("a library file must hold a JSON list of exercise entries")
    parsed: list[tuple[_Parsed, ExerciseDefinition]] = []
    skipped: list[SkippedEntry] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        label = _label(entry, index)
        try:
            facts, level = _facts(entry)
            if facts.exercise_id in seen:
                raise _Unusable(f"duplicate id {facts.exercise_id!r} (the first entry with it is kept)")
            item = _Parsed(facts, level, tags_of(facts))
            definition = _definition(item)
        except _Unusable as unusable:
            skipped.append(SkippedEntry(label, str(unusable)))
            continue
        except DomainError as invalid:
            skipped.append(SkippedEntry(label, str(invalid)))
            continue
        seen.add(facts.exercise_id)
        parsed.append((item, definition))
    # Variations only among the exercises kept, so none names a skipped entry.
    variations = variations_of(
        [
            VariationFacts(
                item.facts.exercise_id,
                item.tags.patterns[0],
                frozenset(item.facts.primary_muscles),
                frozenset(item.facts.equipment),
                item.level,
            )
            for item, _ in parsed
        ]
    )
    definitions = [
        replace(definition, variations=variations[definition.exercise_id]) for _, definition in parsed
    ]
    return LibrarySource(tuple(definitions), tuple(skipped))


def read_library(path: Path | str) -> LibrarySource:
    """The library in the file at `path`. Raises LibrarySourceError if it is missing, not JSON or not a
    list of entries."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise LibrarySourceError(f"cannot read {str(path)!r}: {error.__class__.__name__}") from error
    try:
        entries = json.loads(text)
    except ValueError as error:
        raise LibrarySourceError(f"{str(path)!r} is not JSON: {error}") from error
    return parse_library(entries)


@cache
def shipped_library() -> LibrarySource:
    """The library the project ships (package data, built from the free-exercise-db: see NOTICE.md)."""
    text = resources.files(__package__).joinpath(SHIPPED_FILE).read_text(encoding="utf-8")
    return parse_library(json.loads(text))


def _label(entry: object, index: int) -> str:
    if isinstance(entry, Mapping) and isinstance(entry.get("id"), str) and entry["id"].strip():
        return str(entry["id"])
    return f"entry {index + 1}"


def _facts(entry: object) -> tuple[ExerciseFacts, Level]:
    if not isinstance(entry, Mapping):
        raise _Unusable("not an object")
    exercise_id = entry.get("id")
    if not isinstance(exercise_id, str) or not exercise_id.strip():
        raise _Unusable("no id")
    try:
        validation.exercise_id("id", exercise_id)
    except DomainError as error:
        raise _Unusable(f"unusable id {exercise_id!r}: {error}") from error
    name = entry.get("name")
    if not isinstance(name, str) or not name.strip():
        raise _Unusable("no name")
    primary = _muscles(entry, "primaryMuscles")
    if not primary:
        raise _Unusable("no primary muscle")
    # Upstream sometimes repeats a primary muscle among the secondary ones; ours keeps it primary only.
    secondary = tuple(muscle for muscle in _muscles(entry, "secondaryMuscles") if muscle not in primary)
    equipment_name = entry.get("equipment")
    equipment = Equipment.NONE if equipment_name is None else _one(EQUIPMENT, "equipment", equipment_name)
    facts = ExerciseFacts(
        exercise_id=exercise_id,
        name=name,
        category=_one(CATEGORIES, "category", entry.get("category")),
        force=_optional(FORCES, "force", entry.get("force")),
        mechanic=_optional(MECHANICS, "mechanic", entry.get("mechanic")),
        equipment=(equipment,),
        primary_muscles=primary,
        secondary_muscles=tuple(dict.fromkeys(secondary)),
    )
    return facts, _one(LEVELS, "level", entry.get("level"))


def _one(vocabulary: Mapping[str, V], field: str, value: object) -> V:
    if not isinstance(value, str) or value not in vocabulary:
        shown = "missing" if value is None else json.dumps(value)
        raise _Unusable(f"unknown {field} {shown}")
    return vocabulary[value]


def _optional(vocabulary: Mapping[str, V], field: str, value: object) -> V | None:
    return None if value is None else _one(vocabulary, field, value)


def _muscles(entry: Mapping[str, object], key: str) -> tuple[Muscle, ...]:
    value = entry.get(key, [])
    if value is None:
        return ()
    if not isinstance(value, list):
        raise _Unusable(f"{key} is not a list")
    return tuple(dict.fromkeys(_one(MUSCLES, "muscle", item) for item in value))


def _definition(item: _Parsed) -> ExerciseDefinition:
    """The definition without variations (those need every entry), validated: raises DomainError."""
    facts = item.facts
    return validation.definition(
        ExerciseDefinition(
            exercise_id=facts.exercise_id,
            name=facts.name,
            category=facts.category,
            level=item.level,
            force=facts.force,
            mechanic=facts.mechanic,
            equipment=facts.equipment,
            primary_muscles=facts.primary_muscles,
            secondary_muscles=facts.secondary_muscles,
            patterns=item.tags.patterns,
            contraindications=item.tags.contraindications,
            cues=cues_for(item.tags.patterns),
        )
    )
