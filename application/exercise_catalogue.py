"""What the plan commands ask the exercise library before a plan takes an exercise: is the id there, is it
retired, what is it called.

Answered from the log (the exercise's `library-<id>` stream, folded), not from the `library.exercises`
read model: that lags by the projection's lag, and an exercise an admin defined a moment ago must be
usable at once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from application.eventstore import EventStore
from domain.errors import ValidationError
from domain.library import decode, fold, library_stream
from domain.library import validation as library_validation


@dataclass(frozen=True, slots=True)
class CatalogueEntry:
    exercise_id: str
    name: str
    retired: bool


class ExerciseCatalogue(Protocol):
    async def entry(self, exercise_id: str) -> CatalogueEntry | None:
        """The library's exercise `exercise_id` as of now, or None when the library has no such id."""
        ...


class LoggedExerciseCatalogue:
    """The catalogue read from the event store: one short stream read per question."""

    def __init__(self, store: EventStore) -> None:
        self._store = store

    async def entry(self, exercise_id: str) -> CatalogueEntry | None:
        try:
            library_validation.exercise_id("exercise_id", exercise_id)
        except ValidationError:
            return None  # no library id looks like this (legacy plans hold free text): nothing to read
        recorded = await self._store.read_stream(library_stream(exercise_id))
        state = fold(decode(record.type, record.schema_version, record.data) for record in recorded)
        if state is None:
            return None
        return CatalogueEntry(state.exercise_id, state.definition.name, state.retired)
