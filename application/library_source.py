"""A library file as read (`LibrarySource`): the exercise definitions it holds and the entries it could
not, each with the reason. The import (`application.library_import`) appends the definitions; files in
the free-exercise-db format are read by `adapters.exercise_data`."""

from __future__ import annotations

from dataclasses import dataclass

from domain.library.values import ExerciseDefinition


@dataclass(frozen=True, slots=True)
class SkippedEntry:
    """An entry of a library file that was not imported, and why (for the import's report)."""

    entry: str
    """The entry's id, or its position in the file when it has no usable id."""
    reason: str


@dataclass(frozen=True, slots=True)
class LibrarySource:
    definitions: tuple[ExerciseDefinition, ...]
    skipped: tuple[SkippedEntry, ...] = ()


class LibrarySourceError(Exception):
    """The file cannot be read as a library at all (missing, not JSON, not a list of entries)."""

    code = "LIBRARY_SOURCE_UNREADABLE"
