"""The stored event format: JSON-safe round trips, stable shapes, and upcasting older shapes on read."""

from __future__ import annotations

import copy
import json
from typing import get_args

import pytest

from domain.actor import Actor
from domain.errors import MalformedEvent, UnknownEventType
from domain.plans import decode, encode
from domain.plans.codec import PLAN_EVENT_TYPES
from domain.plans.events import (
    ExerciseAdded,
    ExerciseRemoved,
    ExercisesReordered,
    ExerciseUpdated,
    PlanEvent,
    WorkoutPlanReverted,
)
from domain.plans.upcasters import UPCASTERS
from domain.plans.values import PlannedExercise
from domain.upcasting import upcast
from tests.domain.plans import OWNER_ID, PLAN_ID, T0, added, archived, at, created, exercise, versioned

SAMPLES: list[PlanEvent] = [
    created(actor=Actor.AI_COACH),
    added(exercise("Barbell_Squat", weight_kg=62.5, alternatives=("Front_Squat", "Leg_Press"), notes="deep")),
    added(exercise("Plank", tempo=None)),
    ExerciseUpdated(
        plan_id=PLAN_ID,
        exercise=exercise("Plank", sets=3),
        changed_fields=("sets",),
        actor=Actor.AI_COACH,
        at=at(3),
    ),
    ExerciseRemoved(plan_id=PLAN_ID, exercise_id="Plank", actor=Actor.USER, at=at(4)),
    ExercisesReordered(plan_id=PLAN_ID, exercise_ids=("B", "A"), actor=Actor.USER, at=at(5)),
    versioned(1, "A", "B", description="Week 1"),
    versioned(2),
    WorkoutPlanReverted(
        plan_id=PLAN_ID, to_version=1, exercises=(exercise("A"),), actor=Actor.USER, at=at(7)
    ),
    archived(),
]


def test_every_plan_event_type_is_in_the_explicit_map():
    classes = get_args(PlanEvent)

    assert sorted(PLAN_EVENT_TYPES) == sorted(cls.type for cls in classes)
    assert all(PLAN_EVENT_TYPES[cls.type].schema_version == cls.schema_version for cls in classes)


@pytest.mark.parametrize("event", SAMPLES, ids=lambda event: type(event).__name__)
def test_events_round_trip_through_json(event):
    event_type, schema_version, data = encode(event)
    stored = json.loads(json.dumps(data, allow_nan=False))

    assert (event_type, schema_version) == (event.type, event.schema_version)
    assert decode(event_type, schema_version, stored) == event


def test_the_stored_shape_of_exercise_added_is_stable():
    event = added(exercise("Barbell_Squat", alternatives=("Front_Squat",)), minute=1)

    assert encode(event) == (
        "ExerciseAdded",
        2,
        {
            "plan_id": str(PLAN_ID),
            "exercise": {
                "exercise_id": "Barbell_Squat",
                "name": "Barbell Squat",
                "sets": 5,
                "reps": 5,
                "weight_kg": 100.0,
                "rest_seconds": 180,
                "tempo": "2-0-2-0",
                "notes": "",
                "alternatives": ["Front_Squat"],
            },
            "actor": "user",
            "at": "2025-03-03T07:31:00+00:00",
        },
    )


def test_the_stored_shape_of_a_created_plan_is_stable():
    _, _, data = encode(created())

    assert data == {
        "plan_id": str(PLAN_ID),
        "owner_id": str(OWNER_ID),
        "name": "Leg day",
        "description": "Squats and friends",
        "difficulty": "intermediate",
        "duration_minutes": 60,
        "actor": "user",
        "at": T0.isoformat(),
    }


V1_EXERCISE_ADDED = {
    "plan_id": str(PLAN_ID),
    "exercise_id": "Barbell_Squat",
    "name": "Barbell Squat",
    "sets": 5,
    "reps": 8,
    "weight_kg": 80,
    "rest_seconds": 120,
    "actor": "ai_coach",
    "at": "2024-11-02T18:00:00+00:00",
}


def test_a_v1_exercise_added_is_upcast_to_the_nested_v2_shape():
    event = decode("ExerciseAdded", 1, V1_EXERCISE_ADDED)

    assert isinstance(event, ExerciseAdded)
    assert event.exercise == PlannedExercise("Barbell_Squat", "Barbell Squat", 5, 8, 80.0, 120, None, "", ())
    assert event.actor is Actor.AI_COACH
    assert event.plan_id == PLAN_ID


def test_upcasting_never_changes_the_stored_data():
    stored = copy.deepcopy(V1_EXERCISE_ADDED)

    version, upcast_data = upcast("ExerciseAdded", 1, stored, UPCASTERS)

    assert stored == V1_EXERCISE_ADDED
    assert version == 2
    assert upcast_data["exercise"]["tempo"] is None
    assert "exercise_id" not in upcast_data


def test_upcasters_chain_until_no_step_matches():
    steps = {
        ("Thing", 1): lambda data: {**data, "b": data["a"] * 2},
        ("Thing", 2): lambda data: {"c": data["b"] + 1},
    }

    assert upcast("Thing", 1, {"a": 5}, steps) == (3, {"c": 11})
    assert upcast("Thing", 2, {"b": 1}, steps) == (3, {"c": 2})
    assert upcast("Other", 1, {"a": 5}, steps) == (1, {"a": 5})


@pytest.mark.parametrize(
    ("event_type", "schema_version"),
    [("UserRegistered", 1), ("ExerciseAdded", 3), ("ExerciseAdded", 0), ("WorkoutPlanCreated", 2)],
)
def test_unknown_types_and_versions_are_refused(event_type, schema_version):
    with pytest.raises(UnknownEventType) as error:
        decode(event_type, schema_version, {})
    assert error.value.code == "UNKNOWN_EVENT_TYPE"
    assert (error.value.event_type, error.value.schema_version) == (event_type, schema_version)


@pytest.mark.parametrize(
    "data",
    [
        {},
        {"plan_id": "not-a-uuid", "name": "x", "actor": "user", "at": "2026-01-01T00:00:00+00:00"},
        {"plan_id": str(PLAN_ID), "name": "x", "actor": "robot", "at": "2026-01-01T00:00:00+00:00"},
        {"plan_id": str(PLAN_ID), "name": "x", "actor": "user", "at": None},
    ],
)
def test_malformed_stored_data_is_refused_with_a_stable_code(data):
    with pytest.raises(MalformedEvent) as refused:
        decode("WorkoutPlanRenamed", 1, data)
    assert refused.value.code == "MALFORMED_EVENT"
