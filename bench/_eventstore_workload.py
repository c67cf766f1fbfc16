"""The event store benchmark's workload: realistic `ExerciseAdded` events split into per-writer append plans.

Every writer appends to its own streams with exact expected versions; a stream holds up to
`STREAM_LENGTH` events (a workout plan's worth), then the writer moves on to a new stream.
Each append stands for one command, so its events share that command's metadata.
"""

from __future__ import annotations

import json
import random
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from application.eventstore import EventMetadata, NewEvent

STREAM_LENGTH = 50
EXERCISES = (
    ("Barbell back squat", "barbell", ["quadriceps", "glutes"]),
    ("Romanian deadlift", "barbell", ["hamstrings", "glutes"]),
    ("Incline dumbbell press", "dumbbells", ["chest", "front_delts"]),
    ("Chin-up", "bodyweight", ["lats", "biceps"]),
)


@dataclass(frozen=True, slots=True)
class Append:
    stream: str
    events: list[NewEvent]
    expected_version: int


def exercise_added(plan_id: uuid.UUID, metadata: EventMetadata, day: int) -> NewEvent:
    name, equipment, muscles = random.choice(EXERCISES)
    data: dict[str, Any] = {
        "plan_id": str(plan_id),
        "exercise_id": str(uuid.uuid4()),
        "week": day // 7 + 1,
        "day": day % 7 + 1,
        "exercise": {"name": name, "equipment": equipment, "muscle_groups": muscles},
        "prescription": {"sets": 4, "reps": "6-8", "load_kg": 102.5, "rest_seconds": 150, "rpe": 8},
    }
    return NewEvent(uuid.uuid4(), "ExerciseAdded", 1, data, metadata)


def command_metadata(user_id: uuid.UUID) -> EventMetadata:
    """One command's metadata, shared by every event that command appends."""
    return EventMetadata(
        actor="coach-ai", command_id=uuid.uuid4(), correlation_id=uuid.uuid4(), user_id=user_id
    )


def writer_plan(events: int, batch: int) -> list[Append]:
    """`events` new events (a multiple of `batch`) in appends of `batch`, over fresh streams."""
    plan: list[Append] = []
    user_id = uuid.uuid4()
    plan_id = uuid.uuid4()
    version = 0
    for _ in range(events // batch):
        if version + batch > STREAM_LENGTH:
            plan_id, version = uuid.uuid4(), 0
        metadata = command_metadata(user_id)
        batch_events = [exercise_added(plan_id, metadata, version + i) for i in range(batch)]
        plan.append(Append(f"workout_plan-{plan_id}", batch_events, version))
        version += batch
    return plan


def writer_plans(events: int, batch: int, writers: int) -> list[list[Append]]:
    return [writer_plan(events // writers, batch) for _ in range(writers)]


def rounded_event_count(events: int, batch: int, writers: int) -> int:
    """The largest count <= `events` that every writer can fill with whole batches."""
    unit = batch * writers
    return max(unit, events // unit * unit)


def payload_sizes() -> tuple[int, int]:
    """JSON bytes of one event's data and metadata, for the report."""
    event = exercise_added(uuid.uuid4(), command_metadata(uuid.uuid4()), 3)
    return len(compact_json(event.data).encode()), len(compact_json(event.metadata.to_dict()).encode())


def compact_json(document: dict[str, Any]) -> str:
    return json.dumps(document, separators=(",", ":"))


def event_state_json(event: NewEvent, stream: str, version: int, recorded_at: datetime) -> bytes:
    """The whole envelope as one JSON document: what a recorder with an opaque payload column stores."""
    return compact_json(
        {
            "event_id": str(event.event_id),
            "type": event.type,
            "schema_version": event.schema_version,
            "stream": stream,
            "stream_version": version,
            "recorded_at": recorded_at.isoformat(),
            "data": event.data,
            "metadata": event.metadata.to_dict(),
        }
    ).encode()


def now() -> datetime:
    return datetime.now(UTC)
