"""Importing a library file (`LibraryImport`): every exercise of a `LibrarySource` through the one command
path, as the system actor.

Per exercise: absent from the store → `DefineExercise`; present with another definition →
`ReviseExercise` of the fields that differ; equal → unchanged; retired in the store → skipped (a
retirement is an admin's decision, an import does not undo it). Command ids derive from the exercise and
what it is written from and to, so a re-run, or a run interrupted and started again, appends nothing twice.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal
from uuid import UUID, uuid4, uuid5

from application.auth_ports import Clock, SystemClock
from application.eventstore import EventStore
from application.handler import CommandHandler, CommandMetadata
from application.library_source import LibrarySource, SkippedEntry
from domain.actor import Actor
from domain.errors import DomainError
from domain.library.codec import write_definition
from domain.library.commands import DefineExercise, ExerciseChanges, LibraryCommand, ReviseExercise
from domain.library.events import ExerciseRevised, LibraryEvent
from domain.library.state import LibraryExercise
from domain.library.streams import library_stream
from domain.library.values import DEFINITION_FIELDS, ExerciseDefinition

LibraryHandler = CommandHandler[LibraryCommand, LibraryExercise, LibraryEvent]
Progress = Callable[[int, int], None]
"""Called with (exercises done, exercises in the source) after each exercise."""

IMPORT_NAMESPACE = UUID("0f7c52a4-31d5-4b0e-9c55-6a4f1e0d7a11")
"""The namespace of the import's command ids (uuid5); fixed forever, or re-runs would append again."""
CLEARABLE = frozenset({"force", "mechanic"})


@dataclass(frozen=True, slots=True)
class RevisedExercise:
    exercise_id: str
    changed_fields: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class ImportReport:
    added: tuple[str, ...]
    revised: tuple[RevisedExercise, ...]
    unchanged: tuple[str, ...]
    skipped: tuple[SkippedEntry, ...]
    """The source's unusable entries first, then the exercises the store refused (retired ones, ...)."""

    @property
    def appended(self) -> int:
        return len(self.added) + len(self.revised)

    def to_json(self) -> dict[str, Any]:
        return {
            "added": list(self.added),
            "revised": [
                {"id": item.exercise_id, "changed_fields": list(item.changed_fields)} for item in self.revised
            ],
            "unchanged": list(self.unchanged),
            "skipped": [{"id": item.entry, "reason": item.reason} for item in self.skipped],
        }


class _Existing(Exception):
    """Raised by the peek guard: the exercise is in the store already (its state attached)."""

    def __init__(self, state: LibraryExercise) -> None:
        super().__init__(state.exercise_id)
        self.state = state


def _peek(state: LibraryExercise | None) -> None:
    if state is not None:
        raise _Existing(state)


class LibraryImport:
    def __init__(self, store: EventStore, handler: LibraryHandler, clock: Clock | None = None) -> None:
        self._store = store
        self._handler = handler
        self._clock = clock or SystemClock()

    async def run(self, source: LibrarySource, *, progress: Progress | None = None) -> ImportReport:
        at = self._clock.now()
        correlation_id = uuid4()
        added: list[str] = []
        revised: list[RevisedExercise] = []
        unchanged: list[str] = []
        skipped = list(source.skipped)
        total = len(source.definitions)
        for done, definition in enumerate(source.definitions, start=1):
            exercise_id = definition.exercise_id
            try:
                outcome = await self._one(definition, at, correlation_id)
            except DomainError as error:
                skipped.append(SkippedEntry(exercise_id, f"{error.code}: {error}"))
            else:
                match outcome:
                    case "added":
                        added.append(exercise_id)
                    case "unchanged":
                        unchanged.append(exercise_id)
                    case SkippedEntry():
                        skipped.append(outcome)
                    case RevisedExercise():
                        revised.append(outcome)
            if progress is not None:
                progress(done, total)
        return ImportReport(tuple(added), tuple(revised), tuple(unchanged), tuple(skipped))

    async def load_if_absent(
        self, source: LibrarySource, *, progress: Progress | None = None
    ) -> ImportReport | None:
        """Imports `source` unless the store already holds its first exercise (then None): a cheap check
        for the first start on an empty store, which a full import would spend a read per exercise on."""
        if not source.definitions:
            return None
        first = library_stream(source.definitions[0].exercise_id)
        if await self._store.read_stream(first, limit=1):
            return None
        return await self.run(source, progress=progress)

    async def _one(
        self, definition: ExerciseDefinition, at: datetime, correlation_id: UUID
    ) -> Literal["added", "unchanged"] | RevisedExercise | SkippedEntry:
        exercise_id = definition.exercise_id
        digest = _digest(definition)
        define = DefineExercise(exercise=definition, at=at, actor=Actor.SYSTEM)
        try:
            result = await self._handler.handle(
                define, self._metadata(f"define:{exercise_id}:{digest}", correlation_id), guard=_peek
            )
        except _Existing as existing:
            state = existing.state
        else:
            return "added" if result.events else "unchanged"
        if state.retired:
            return SkippedEntry(exercise_id, f"retired in the store ({state.retired_reason})")
        if state.definition == definition:
            return "unchanged"
        revise = ReviseExercise(
            exercise_id=exercise_id, changes=_changes(state.definition, definition), at=at, actor=Actor.SYSTEM
        )
        # The state's last change is part of the id: revising to the same definition again after someone
        # changed it in between is a new command, not a repeat of the first revision.
        key = f"revise:{exercise_id}:{state.updated_at.isoformat()}:{_digest(state.definition)}:{digest}"
        revision = await self._handler.handle(revise, self._metadata(key, correlation_id))
        events = [event for event in revision.events if isinstance(event, ExerciseRevised)]
        if not events:
            return "unchanged"
        return RevisedExercise(exercise_id, events[-1].changed_fields)

    @staticmethod
    def _metadata(key: str, correlation_id: UUID) -> CommandMetadata:
        return CommandMetadata(command_id=uuid5(IMPORT_NAMESPACE, key), correlation_id=correlation_id)


def _digest(definition: ExerciseDefinition) -> str:
    canonical = json.dumps(write_definition(definition), sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()[:32]


def _changes(current: ExerciseDefinition, wanted: ExerciseDefinition) -> ExerciseChanges:
    """The fields of `wanted` that differ from `current`; force and mechanic going unset are cleared."""
    updates: dict[str, Any] = {}
    clear: set[str] = set()
    for name in DEFINITION_FIELDS:
        value = getattr(wanted, name)
        if value == getattr(current, name):
            continue
        if value is None and name in CLEARABLE:
            clear.add(name)
        else:
            updates[name] = value
    return ExerciseChanges(**updates, clear=frozenset(clear))
