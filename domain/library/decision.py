"""`decide`: what a command on a library exercise means, as events, or a DomainError. Pure: no clock."""

from __future__ import annotations

from dataclasses import fields, replace
from typing import Any, assert_never

from domain import validation as common
from domain.errors import ValidationError
from domain.library import validation
from domain.library.commands import (
    DefineExercise,
    ExerciseChanges,
    LibraryCommand,
    RetireExercise,
    ReviseExercise,
)
from domain.library.errors import ExerciseAlreadyDefined, RetiredExercise, UnknownExercise
from domain.library.events import ExerciseDefined, ExerciseRetired, ExerciseRevised, LibraryEvent
from domain.library.state import LibraryExercise
from domain.library.values import DEFINITION_FIELDS, ExerciseDefinition

CLEARABLE = frozenset({"force", "mechanic"})


def decide(command: LibraryCommand, state: LibraryExercise | None) -> list[LibraryEvent]:
    """The events `command` produces on `state`; [] when it changes nothing. Raises DomainError if invalid."""
    common.moment("at", command.at)
    match command:
        case DefineExercise():
            exercise = validation.definition(command.exercise)
            if state is not None:
                if state.definition == exercise and not state.retired:
                    return []  # defining the same thing again changes nothing
                raise ExerciseAlreadyDefined(exercise.exercise_id)
            return [ExerciseDefined(exercise=exercise, at=command.at)]
        case ReviseExercise():
            current = _current(command.exercise_id, state)
            revised = validation.definition(_apply(current.definition, command.changes))
            changed = tuple(
                name
                for name in DEFINITION_FIELDS
                if getattr(revised, name) != getattr(current.definition, name)
            )
            if not changed:
                return []
            return [ExerciseRevised(exercise=revised, changed_fields=changed, at=command.at)]
        case RetireExercise():
            validation.exercise_id("exercise_id", command.exercise_id)
            if state is None:
                raise UnknownExercise(command.exercise_id)
            if state.retired:
                return []
            reason = validation.reason("reason", command.reason)
            return [ExerciseRetired(exercise_id=state.exercise_id, reason=reason, at=command.at)]
        case _:
            assert_never(command)


def _current(exercise_id: str, state: LibraryExercise | None) -> LibraryExercise:
    validation.exercise_id("exercise_id", exercise_id)
    if state is None:
        raise UnknownExercise(exercise_id)
    if state.retired:
        raise RetiredExercise(exercise_id)
    return state


def _apply(definition: ExerciseDefinition, changes: ExerciseChanges) -> ExerciseDefinition:
    unknown = changes.clear - CLEARABLE
    if unknown:
        raise ValidationError("clear", f"only {', '.join(sorted(CLEARABLE))} can be cleared")
    updates: dict[str, Any] = {
        field.name: value
        for field in fields(changes)
        if field.name != "clear" and (value := getattr(changes, field.name)) is not None
    }
    both = changes.clear & updates.keys()
    if both:
        raise ValidationError("clear", f"{', '.join(sorted(both))} cannot be set and cleared at once")
    updates.update({name: None for name in changes.clear})
    return replace(definition, **updates)
