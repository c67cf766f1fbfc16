"""Random command sequences, valid and invalid mixed, keep every WorkoutPlan invariant."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, settings
from hypothesis import given as for_all
from hypothesis import strategies as st

from domain.errors import DomainError
from domain.plans import Plan, decode, encode, fold
from domain.plans.commands import RenameWorkoutPlan, ReorderExercises, UpdateExercise
from domain.plans.events import PlanEvent, WorkoutVersionCreated
from tests.domain.plans import ARCHIVE_AT, STEPS, assert_invariants, decide_or_error, draw_command

DOMAIN_CODES = {
    "VALIDATION",
    "DISALLOWED_CHARACTER",
    "TOO_MANY_EXERCISES",
    "DUPLICATE_EXERCISE",
    "INVALID_ORDER",
    "PLAN_ARCHIVED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "EXERCISE_NOT_FOUND",
    "VERSION_NOT_FOUND",
}
NO_OP_COMMANDS = (RenameWorkoutPlan, UpdateExercise, ReorderExercises)


def round_trip(event: PlanEvent) -> PlanEvent:
    event_type, schema_version, data = encode(event)
    return decode(event_type, schema_version, json.loads(json.dumps(data, allow_nan=False)))


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@for_all(st.data())
def test_random_command_sequences_keep_every_invariant(data):
    state: Plan | None = None
    history: list[PlanEvent] = []
    archive_at = data.draw(ARCHIVE_AT, label="archive_at")
    for step in range(data.draw(STEPS, label="steps")):
        command = draw_command(data, state, step, archive_at)
        events = decide_or_error(command, state)
        if isinstance(events, DomainError):
            assert events.code in DOMAIN_CODES
            continue

        assert state is None or not state.archived, "an archived plan never changes"
        assert events or isinstance(command, NO_OP_COMMANDS)
        assert all(event.actor == command.actor and event.at == command.at for event in events)
        assert [round_trip(event) for event in events] == events
        for event in events:
            if isinstance(event, WorkoutVersionCreated):
                latest = state.latest_version if state is not None else None
                assert (event.version_number, event.parent_version) == ((latest or 0) + 1, latest)

        new_state = fold(events, state)
        assert events == [] or new_state != state, "every emitted event changes the state"
        assert_invariants(new_state)
        history.extend(events)
        state = new_state

    assert fold(round_trip(event) for event in history) == state
