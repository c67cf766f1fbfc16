"""`InMemoryLibraryReadModel`: the `LibraryReadModel` port over a fixed set of definitions held in process
(e.g. the shipped library), with the port's filters but without full-text ranking (a text search matches
names and aliases containing every word). It does not see exercises an admin defines or retires: the
PostgreSQL read model (`library.exercises`) does."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from application.library_views import (
    ExerciseSearch,
    LibraryExerciseView,
    SearchPage,
    library_view_of,
)
from domain.library.availability import Availability, is_available
from domain.library.state import LibraryExercise
from domain.library.values import ExerciseDefinition

_LOADED_AT = datetime(2026, 1, 1, tzinfo=UTC)


class InMemoryLibraryReadModel:
    def __init__(self, definitions: Iterable[ExerciseDefinition]) -> None:
        self._definitions = {d.exercise_id: d for d in definitions}
        self._views = {
            d.exercise_id: library_view_of(
                LibraryExercise(definition=d, defined_at=_LOADED_AT, updated_at=_LOADED_AT), 1, 0
            )
            for d in self._definitions.values()
        }

    async def search(self, search: ExerciseSearch, *, limit: int, offset: int) -> SearchPage:
        availability = Availability(search.exclude, search.available_equipment, (), ())
        words = (search.text or "").lower().split()
        found = sorted(
            (
                self._views[exercise_id]
                for exercise_id, d in self._definitions.items()
                if is_available(d.equipment, d.contraindications, availability)
                and _matches(d, search)
                and all(word in " ".join((d.name, *d.aliases)).lower() for word in words)
            ),
            key=lambda view: (view.name, view.id),
        )
        return SearchPage(tuple(found[offset : offset + limit]), len(found), offset)

    async def exercises(self, ids: Sequence[str]) -> dict[str, LibraryExerciseView]:
        return {exercise_id: self._views[exercise_id] for exercise_id in ids if exercise_id in self._views}


def _matches(definition: ExerciseDefinition, search: ExerciseSearch) -> bool:
    return (
        (not search.muscles or not search.muscles.isdisjoint(definition.primary_muscles))
        and (not search.equipment or not search.equipment.isdisjoint(definition.equipment))
        and (search.level is None or definition.level is search.level)
        and (search.category is None or definition.category is search.category)
        and (search.pattern is None or search.pattern in definition.patterns)
    )
