"""A library exercise's state and how events change it (`evolve`, `fold`). Decisions are in
`domain.library.decision`."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import datetime

from domain.library.events import ExerciseDefined, ExerciseRetired, ExerciseRevised, LibraryEvent
from domain.library.values import ExerciseDefinition


@dataclass(frozen=True, slots=True)
class LibraryExercise:
    definition: ExerciseDefinition
    defined_at: datetime
    updated_at: datetime
    retired: bool = False
    retired_reason: str | None = None

    @property
    def exercise_id(self) -> str:
        return self.definition.exercise_id


def evolve(state: LibraryExercise | None, event: LibraryEvent) -> LibraryExercise | None:
    """Apply one event. Total: an event that does not apply to `state` leaves it unchanged."""
    match event:
        case ExerciseDefined():
            if state is not None:
                return state
            return LibraryExercise(event.exercise, defined_at=event.at, updated_at=event.at)
        case ExerciseRevised():
            if state is None or event.exercise.exercise_id != state.exercise_id:
                return state
            return replace(state, definition=event.exercise, updated_at=event.at)
        case ExerciseRetired():
            if state is None or event.exercise_id != state.exercise_id:
                return state
            return replace(state, retired=True, retired_reason=event.reason, updated_at=event.at)


def fold(events: Iterable[LibraryEvent], state: LibraryExercise | None = None) -> LibraryExercise | None:
    for event in events:
        state = evolve(state, event)
    return state
