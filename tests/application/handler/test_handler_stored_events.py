"""The command handler reads the stream as stored: an older event shape is upcast on read and left as
it was written, and an event type it does not know is an error, never skipped."""

from __future__ import annotations

from uuid import uuid5

import pytest

from application.eventstore import EventMetadata, NewEvent
from domain.errors import UnknownEventType
from domain.plans.events import ExerciseUpdated
from domain.plans.values import PlannedExercise
from tests.application.handler.handler_support import NAMESPACE, STREAM, WRITER, meta
from tests.domain.plans import PLAN_ID, create_plan, rename, update_exercise

V1_EXERCISE_ADDED = {
    "plan_id": str(PLAN_ID),
    "exercise_id": "Barbell_Squat",
    "name": "Barbell Squat",
    "sets": 5,
    "reps": 8,
    "weight_kg": 80,
    "rest_seconds": 120,
    "actor": "user",
    "at": "2024-11-02T18:00:00+00:00",
}


async def test_a_stored_v1_exercise_added_is_upcast_on_read_and_left_as_stored(handler, store):
    await handler.handle(create_plan(), meta("create"))
    legacy = NewEvent(
        uuid5(NAMESPACE, "legacy"),
        "ExerciseAdded",
        1,
        dict(V1_EXERCISE_ADDED),
        EventMetadata("user", WRITER, WRITER),
    )
    await store.append(STREAM, [legacy], 1)

    result = await handler.handle(update_exercise("Barbell_Squat", sets=3, notes="pause"), meta("update"))

    [event] = result.events
    assert isinstance(event, ExerciseUpdated)
    assert event.exercise == PlannedExercise(
        "Barbell_Squat", "Barbell Squat", 3, 8, 80.0, 120, None, "pause", ()
    )
    stored = (await store.read_stream(STREAM, from_version=2, to_version=2))[0]
    assert (stored.schema_version, stored.data) == (1, V1_EXERCISE_ADDED)


async def test_an_unknown_stored_event_type_is_an_error_not_skipped(handler, store):
    await handler.handle(create_plan(), meta("create"))
    alien = NewEvent(
        uuid5(NAMESPACE, "alien"), "PlanTeleported", 1, {}, EventMetadata("user", WRITER, WRITER)
    )
    await store.append(STREAM, [alien], 1)

    with pytest.raises(UnknownEventType) as error:
        await handler.handle(rename("Push day"), meta("rename"))
    assert error.value.event_type == "PlanTeleported"
    assert await store.current_position() == 2
