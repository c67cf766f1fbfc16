"""The library exercise decider: define, revise, retire, their validation, and the codec round trip."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from domain.errors import DomainError
from domain.library import decode, encode, fold
from domain.library.commands import DefineExercise, ExerciseChanges, RetireExercise, ReviseExercise
from domain.library.contraindications import Contraindication
from domain.library.decision import decide
from domain.library.events import ExerciseDefined, ExerciseRetired, ExerciseRevised, LibraryEvent
from domain.library.state import LibraryExercise
from domain.library.streams import library_stream
from domain.library.values import (
    Category,
    Equipment,
    ExerciseDefinition,
    Force,
    Level,
    Mechanic,
    MovementPattern,
    Muscle,
)

AT = datetime(2026, 12, 2, 12, 0, tzinfo=UTC)
SQUAT = ExerciseDefinition(
    exercise_id="Barbell_Squat",
    name="Barbell Squat",
    aliases=("Back Squat",),
    category=Category.STRENGTH,
    level=Level.BEGINNER,
    force=Force.PUSH,
    mechanic=Mechanic.COMPOUND,
    equipment=(Equipment.BARBELL,),
    primary_muscles=(Muscle.QUADRICEPS,),
    secondary_muscles=(Muscle.GLUTES, Muscle.HAMSTRINGS),
    patterns=(MovementPattern.SQUAT,),
    contraindications=(Contraindication.DEEP_KNEE_FLEXION_LOADED, Contraindication.SPINAL_COMPRESSION_HEAVY),
    cues=("Brace before you descend",),
    variations=("Front_Squat",),
)


def defined(definition: ExerciseDefinition = SQUAT) -> LibraryExercise:
    state = fold(decide(DefineExercise(exercise=definition, at=AT), None))
    assert state is not None
    return state


def code_of(command: DefineExercise | ReviseExercise | RetireExercise, state: LibraryExercise | None) -> str:
    with pytest.raises(DomainError) as raised:
        decide(command, state)
    return raised.value.code


def test_define_creates_the_exercise_in_its_own_stream() -> None:
    command = DefineExercise(exercise=SQUAT, at=AT)
    assert decide(command, None) == [ExerciseDefined(exercise=SQUAT, at=AT)]
    assert library_stream(command.exercise_id) == "library-Barbell_Squat"
    state = defined()
    assert (state.definition, state.defined_at, state.retired) == (SQUAT, AT, False)


def test_define_strips_texts() -> None:
    [event] = decide(DefineExercise(exercise=replace(SQUAT, name="  Barbell Squat "), at=AT), None)
    assert isinstance(event, ExerciseDefined)
    assert event.exercise.name == "Barbell Squat"


def test_defining_the_same_definition_again_changes_nothing_but_a_different_one_is_refused() -> None:
    state = defined()
    assert decide(DefineExercise(exercise=SQUAT, at=AT), state) == []
    other = replace(SQUAT, name="Squat")
    assert code_of(DefineExercise(exercise=other, at=AT), state) == "EXERCISE_ALREADY_DEFINED"


@pytest.mark.parametrize(
    ("definition", "field"),
    [
        (replace(SQUAT, exercise_id="bad id!"), "exercise_id"),
        (replace(SQUAT, exercise_id="x" * 81), "exercise_id"),
        (replace(SQUAT, name="   "), "name"),
        (replace(SQUAT, primary_muscles=()), "primary_muscles"),
        (replace(SQUAT, equipment=()), "equipment"),
        (replace(SQUAT, equipment=(Equipment.NONE, Equipment.BARBELL)), "equipment"),
        (replace(SQUAT, equipment=(Equipment.BARBELL, Equipment.BARBELL)), "equipment"),
        (replace(SQUAT, secondary_muscles=(Muscle.QUADRICEPS,)), "secondary_muscles"),
        (replace(SQUAT, variations=("Barbell_Squat",)), "variations"),
        (replace(SQUAT, variations=("no spaces allowed",)), "variations[0]"),
        (replace(SQUAT, cues=("a",) * 9), "cues"),
        (replace(SQUAT, aliases=("Back Squat", "Back Squat")), "aliases"),
    ],
)
def test_invalid_definitions_name_the_field(definition: ExerciseDefinition, field: str) -> None:
    with pytest.raises(DomainError) as raised:
        decide(DefineExercise(exercise=definition, at=AT), None)
    assert (raised.value.code, raised.value.field) == ("VALIDATION", field)


def test_a_revision_carries_the_whole_definition_and_the_changed_fields() -> None:
    later = AT + timedelta(days=1)
    changes = ExerciseChanges(level=Level.INTERMEDIATE, cues=("Knees track the toes",))
    [event] = decide(ReviseExercise(exercise_id="Barbell_Squat", changes=changes, at=later), defined())
    assert isinstance(event, ExerciseRevised)
    assert event.changed_fields == ("level", "cues")
    assert event.exercise == replace(SQUAT, level=Level.INTERMEDIATE, cues=("Knees track the toes",))
    state = fold([event], defined())
    assert state is not None
    assert state.definition == event.exercise
    assert state.updated_at == later


def test_a_revision_that_changes_nothing_appends_nothing() -> None:
    changes = ExerciseChanges(level=Level.BEGINNER, name="Barbell Squat")
    assert decide(ReviseExercise(exercise_id="Barbell_Squat", changes=changes, at=AT), defined()) == []


def test_force_and_mechanic_can_be_cleared_but_nothing_else() -> None:
    clear = ExerciseChanges(clear=frozenset({"force"}))
    [event] = decide(ReviseExercise(exercise_id="Barbell_Squat", changes=clear, at=AT), defined())
    assert isinstance(event, ExerciseRevised)
    assert event.exercise.force is None
    bad = ExerciseChanges(clear=frozenset({"name"}))
    assert code_of(ReviseExercise(exercise_id="Barbell_Squat", changes=bad, at=AT), defined()) == "VALIDATION"
    both = ExerciseChanges(force=Force.PULL, clear=frozenset({"force"}))
    assert (
        code_of(ReviseExercise(exercise_id="Barbell_Squat", changes=both, at=AT), defined()) == "VALIDATION"
    )


def test_unknown_and_retired_exercises_take_no_revision() -> None:
    revise = ReviseExercise(exercise_id="Barbell_Squat", changes=ExerciseChanges(name="Squat"), at=AT)
    assert code_of(revise, None) == "UNKNOWN_EXERCISE"
    retired = fold(
        decide(RetireExercise(exercise_id="Barbell_Squat", reason="duplicate", at=AT), defined()), defined()
    )
    assert code_of(revise, retired) == "RETIRED_EXERCISE"


def test_retiring_keeps_the_definition_and_is_idempotent() -> None:
    retire = RetireExercise(exercise_id="Barbell_Squat", reason=" duplicate of Back_Squat ", at=AT)
    events = decide(retire, defined())
    assert events == [ExerciseRetired(exercise_id="Barbell_Squat", reason="duplicate of Back_Squat", at=AT)]
    state = fold(events, defined())
    assert state is not None
    assert state.retired
    assert state.definition == SQUAT
    assert decide(retire, state) == []
    assert code_of(retire, None) == "UNKNOWN_EXERCISE"
    assert code_of(replace(retire, reason=""), defined()) == "VALIDATION"


def test_evolve_ignores_events_that_do_not_apply() -> None:
    state = defined()
    other = replace(SQUAT, exercise_id="Front_Squat", variations=())
    assert fold([ExerciseRevised(exercise=other, changed_fields=("name",), at=AT)], state) == state
    assert fold([ExerciseRetired(exercise_id="Front_Squat", reason="x", at=AT)], state) == state
    assert fold([ExerciseDefined(exercise=other, at=AT)], state) == state
    assert fold([ExerciseRetired(exercise_id="Barbell_Squat", reason="x", at=AT)], None) is None


@pytest.mark.parametrize(
    "event",
    [
        ExerciseDefined(exercise=SQUAT, at=AT),
        ExerciseDefined(exercise=replace(SQUAT, force=None, mechanic=None, cues=(), aliases=()), at=AT),
        ExerciseRevised(exercise=SQUAT, changed_fields=("name", "level"), at=AT),
        ExerciseRetired(exercise_id="Barbell_Squat", reason="duplicate", at=AT),
    ],
)
def test_codec_round_trips_every_event(event: LibraryEvent) -> None:
    event_type, version, data = encode(event)
    assert (event_type, version) == (event.type, 1)
    assert decode(event_type, version, data) == event
