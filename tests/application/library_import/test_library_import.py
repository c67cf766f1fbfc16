"""The library import on the real PostgreSQL event store: idempotent re-runs, revisions with their
changed fields, the skip report, and the `fitcoach library import` and `migrate` commands."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest

from adapters.exercise_data import parse_library, shipped_library
from adapters.postgres.store import PostgresEventStore
from application.handler import CommandHandler, CommandMetadata
from application.library_import import ImportReport, LibraryImport, RevisedExercise
from domain.actor import Actor
from domain.library import decode
from domain.library.commands import RetireExercise
from domain.library.decider import LIBRARY
from domain.library.events import ExerciseDefined, ExerciseRevised
from domain.library.streams import library_stream
from domain.library.values import Force, Level
from tests.projections import migrated_database

REPO = Path(__file__).resolve().parents[3]


def entry(exercise_id: str, name: str, **changes: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": exercise_id,
        "name": name,
        "category": "strength",
        "level": "beginner",
        "force": "pull",
        "mechanic": "isolation",
        "equipment": "barbell",
        "primaryMuscles": ["biceps"],
        "secondaryMuscles": [],
        "instructions": ["Not ours."],
    }
    return {**base, **changes}


# Each in a pattern and muscle group of its own, so no exercise lists another as a variation and a change
# to one cannot revise another.
CURL = entry("Test_Curl", "Test Barbell Curl")
SQUAT = entry(
    "Test_Squat", "Test Back Squat", force="push", mechanic="compound", primaryMuscles=["quadriceps"]
)
PRESS = entry("Test_Press", "Test Bench Press", force="push", mechanic="compound", primaryMuscles=["chest"])


@pytest.fixture
async def url() -> AsyncIterator[str]:
    async with migrated_database("fitcoach_library") as migrated:
        yield migrated


@pytest.fixture
async def store(url: str) -> AsyncIterator[PostgresEventStore]:
    store = await PostgresEventStore.connect(url, max_size=4)
    try:
        yield store
    finally:
        await store.close()


def importer(store: PostgresEventStore) -> LibraryImport:
    return LibraryImport(store, CommandHandler(store, LIBRARY))


async def test_the_shipped_library_imports_once_and_a_second_run_appends_nothing(store):
    progress: list[tuple[int, int]] = []
    first = await importer(store).run(
        shipped_library(), progress=lambda done, total: progress.append((done, total))
    )
    total = len(shipped_library().definitions)
    assert (len(first.added), first.revised, first.unchanged, first.skipped) == (total, (), (), ())
    assert progress[-1] == (total, total)
    assert [done for done, _ in progress] == list(range(1, total + 1))
    head = await store.current_position()
    assert head == total

    second = await importer(store).run(shipped_library())
    assert (second.added, second.revised, len(second.unchanged), second.skipped) == ((), (), total, ())
    assert await store.current_position() == head

    [defined] = await store.read_stream(library_stream("Barbell_Squat"))
    assert defined.type == ExerciseDefined.type
    assert defined.metadata.actor == Actor.SYSTEM
    event = decode(defined.type, defined.schema_version, defined.data)
    assert isinstance(event, ExerciseDefined)
    assert event.exercise.patterns
    assert await importer(store).load_if_absent(shipped_library()) is None


async def test_a_changed_entry_appends_exactly_one_revision_with_the_changed_fields(store):
    await importer(store).run(parse_library([CURL, SQUAT, PRESS]))
    head = await store.current_position()

    changed = {**CURL, "level": "expert", "force": None}
    report = await importer(store).run(parse_library([changed, SQUAT, PRESS]))
    assert report.revised == (RevisedExercise("Test_Curl", ("level", "force")),)
    assert (report.added, report.unchanged) == ((), ("Test_Squat", "Test_Press"))

    [recorded] = await store.read_all(after=head)
    assert (recorded.stream, recorded.type) == (library_stream("Test_Curl"), ExerciseRevised.type)
    revised = decode(recorded.type, recorded.schema_version, recorded.data)
    assert isinstance(revised, ExerciseRevised)
    assert revised.changed_fields == ("level", "force")
    assert (revised.exercise.level, revised.exercise.force) == (Level.EXPERT, None)

    again = await importer(store).run(parse_library([changed, SQUAT, PRESS]))
    assert again.appended == 0
    assert await store.current_position() == recorded.position

    back = await importer(store).run(parse_library([CURL, SQUAT, PRESS]))  # and back again: a new revision
    assert back.revised == (RevisedExercise("Test_Curl", ("level", "force")),)
    [latest] = await store.read_stream(library_stream("Test_Curl"), backwards=True, limit=1)
    restored = decode(latest.type, latest.schema_version, latest.data)
    assert isinstance(restored, ExerciseRevised)
    assert restored.exercise.force is Force.PULL


async def test_the_report_lists_each_skipped_entry_with_its_reason(store):
    await importer(store).run(parse_library([CURL, SQUAT]))
    retire = RetireExercise(
        exercise_id="Test_Squat", reason="duplicate of Barbell_Squat", at=datetime.now(UTC), actor=Actor.USER
    )
    command_id = uuid4()
    await CommandHandler(store, LIBRARY).handle(retire, CommandMetadata(command_id, command_id))
    head = await store.current_position()

    source = parse_library(
        [
            CURL,
            {**SQUAT, "level": "expert"},
            {"name": "No Id"},
            {**PRESS, "category": "x"},
            {**PRESS, "id": "Test_Press_2", "primaryMuscles": []},
            {**CURL},
        ]
    )
    report = await importer(store).run(source)
    assert [(item.entry, item.reason) for item in report.skipped] == [
        ("entry 3", "no id"),
        ("Test_Press", 'unknown category "x"'),
        ("Test_Press_2", "no primary muscle"),
        ("Test_Curl", "duplicate id 'Test_Curl' (the first entry with it is kept)"),
        ("Test_Squat", "retired in the store (duplicate of Barbell_Squat)"),
    ]
    assert (report.added, report.revised, report.unchanged) == ((), (), ("Test_Curl",))
    assert await store.current_position() == head


def fitcoach(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "FITCOACH_DATABASE_URL": url, "FITCOACH_EVENT_STORE": "postgres"}
    command = [sys.executable, "-m", "fitcoach.cli", *args]
    return subprocess.run(command, cwd=REPO, env=env, capture_output=True, text=True, timeout=120)


def report_of(completed: subprocess.CompletedProcess[str]) -> dict[str, Any]:
    assert completed.returncode == 0, completed.stderr
    [line] = completed.stdout.splitlines()
    report: dict[str, Any] = json.loads(line)
    return report


async def test_the_cli_imports_a_file_reports_as_json_and_refuses_a_missing_file(url, store, tmp_path):
    path = tmp_path / "exercises.json"
    path.write_text(json.dumps([CURL, SQUAT, {"id": "Broken", "name": "Broken"}]))

    first = report_of(fitcoach(url, "library", "import", str(path), "--json"))
    assert first["added"] == ["Test_Curl", "Test_Squat"]
    assert first["skipped"] == [{"id": "Broken", "reason": "no primary muscle"}]
    head = await store.current_position()
    assert head == 2

    second = report_of(fitcoach(url, "library", "import", str(path), "--json"))
    assert (second["added"], second["revised"], second["unchanged"]) == ([], [], ["Test_Curl", "Test_Squat"])
    assert await store.current_position() == head

    path.write_text(json.dumps([{**CURL, "level": "intermediate"}, SQUAT]))
    text = fitcoach(url, "library", "import", str(path))
    assert text.returncode == 0, text.stderr
    assert text.stdout.splitlines() == [
        "added 0, revised 1, unchanged 1, skipped 0",
        "  revised  Test_Curl (level)",
    ]
    assert "1/2 exercises" in text.stderr or "2/2 exercises" in text.stderr

    missing = fitcoach(url, "library", "import", str(tmp_path / "missing.json"))
    assert missing.returncode != 0
    assert "LIBRARY_SOURCE_UNREADABLE" in missing.stderr
    assert "Traceback" not in missing.stderr
    not_a_list = tmp_path / "object.json"
    not_a_list.write_text("{}")
    refused = fitcoach(url, "library", "import", str(not_a_list), "--json")
    assert (refused.returncode, refused.stdout) == (1, "")
    assert "LIBRARY_SOURCE_UNREADABLE" in refused.stderr
    assert "Traceback" not in refused.stderr


async def test_migrate_loads_the_shipped_library(url, store):
    migrated = fitcoach(url, "migrate")
    assert migrated.returncode == 0, migrated.stderr
    assert migrated.stdout.strip() == "migrated"
    total = len(shipped_library().definitions)
    assert f"exercise library: added {total}, revised 0, unchanged 0, skipped 0" in migrated.stderr
    assert await store.current_position() == total
    assert [event.type for event in await store.read_stream(library_stream("Farmers_Walk"))] == [
        ExerciseDefined.type
    ]


def test_the_report_counts_what_was_appended():
    report = ImportReport(("A",), (RevisedExercise("B", ("name",)),), ("C",), ())
    assert report.appended == 2
    assert report.to_json() == {
        "added": ["A"],
        "revised": [{"id": "B", "changed_fields": ["name"]}],
        "unchanged": ["C"],
        "skipped": [],
    }
