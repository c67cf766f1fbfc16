"""Folding recorded plan events into read-model rows, with the domain's own `decode` and `evolve`.

A `PlanTrack` holds one plan's state as the domain folds it, except that `versions` keeps only the newest
version: that is all `evolve` looks at, and older versions already sit in `plan_versions`. So the rows
equal a replay of the stream by construction.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any
from uuid import UUID

from application.eventstore import RecordedEvent
from domain.actor import Actor
from domain.event_codec import EventCodec
from domain.plans import Plan, PlanVersion, evolve
from domain.plans.codec import read_exercise
from domain.plans.events import PlanEvent
from domain.plans.streams import PLAN_STREAM_PREFIX, plan_stream
from domain.plans.values import Difficulty
from projections.projection import EventFailed
from projections.workout.documents import exercise_json, exercises_json

PlanRow = tuple[UUID, UUID, str, str, str, int, int, int | None, bool, str, datetime, datetime, int]
ExerciseRow = tuple[UUID, int, str]
VersionRow = tuple[UUID, int, int | None, str, str, str, datetime]


@dataclass(slots=True)
class PlanTrack:
    plan_id: UUID
    state: Plan | None = None
    version: int = 0
    """The plan stream's version after the last event folded in."""
    position: int = 0
    new_versions: list[PlanVersion] = field(default_factory=list)
    """Versions created since the track was loaded or last written."""
    dirty: bool = False


Tracks = dict[str, PlanTrack]
"""Plan tracks by stream name: a str key hashes faster than a UUID, and the events carry it."""


def uuid_of(stream: str) -> UUID:
    """The plan id in a plan stream's name (one `PlanFolder.plan_id` accepted)."""
    return UUID(stream[len(PLAN_STREAM_PREFIX) :])


class PlanFolder:
    """Folds events into tracks; remembers parsed stream names, as a log holds few plans but many events."""

    def __init__(self, codec: EventCodec[PlanEvent]) -> None:
        self._decode = codec.decode
        self._plan_ids: dict[str, UUID | None] = {}
        self.versions_created = 0

    def plan_id(self, event: RecordedEvent) -> UUID | None:
        """The plan an event belongs to, or None for events of other streams."""
        stream = event.stream
        try:
            return self._plan_ids[stream]
        except KeyError:
            pass
        plan_id = None
        if stream.startswith(PLAN_STREAM_PREFIX):
            try:
                plan_id = UUID(stream[len(PLAN_STREAM_PREFIX) :])
            except ValueError as error:
                raise EventFailed(event) from error
            if plan_stream(plan_id) != stream:
                raise EventFailed(event) from ValueError("a plan stream is named by the plan's canonical id")
        if len(self._plan_ids) > 100_000:
            self._plan_ids.clear()
        self._plan_ids[stream] = plan_id
        return plan_id

    def fold(self, tracks: Tracks, event: RecordedEvent) -> None:
        """Fold a plan stream's event (one `plan_id` accepted) into its track."""
        track = tracks.get(event.stream)
        if track is None:
            plan_id = self.plan_id(event)  # not the memo directly: it may have been cleared meanwhile
            assert plan_id is not None
            track = tracks[event.stream] = PlanTrack(plan_id)
        try:
            before = track.state
            after = evolve(before, self._decode(event.type, event.schema_version, event.data))
        except Exception as error:
            raise EventFailed(event) from error
        if after is not None and after.versions and (before is None or after.versions is not before.versions):
            track.new_versions.append(after.versions[-1])
            self.versions_created += 1
            if len(after.versions) > 1:
                after = replace(after, versions=after.versions[-1:])
        track.state = after
        track.version = event.stream_version
        track.position = event.position
        track.dirty = True


def plan_row(track: PlanTrack) -> PlanRow:
    plan = track.state
    assert plan is not None
    return (
        plan.plan_id,
        plan.owner_id,
        plan.name,
        plan.description,
        plan.difficulty.value,
        plan.duration_minutes,
        track.version,
        plan.latest_version,
        not plan.archived,
        plan.created_by.value,
        plan.created_at,
        plan.updated_at,
        track.position,
    )


def exercise_rows(track: PlanTrack) -> list[ExerciseRow]:
    plan = track.state
    assert plan is not None
    return [(plan.plan_id, order, exercise_json(e)) for order, e in enumerate(plan.exercises, start=1)]


def version_rows(track: PlanTrack) -> list[VersionRow]:
    return [
        (
            track.plan_id,
            version.number,
            version.parent,
            exercises_json(version.exercises),
            version.change_description,
            version.changed_by.value,
            version.created_at,
        )
        for version in track.new_versions
    ]


def track_from_rows(
    row: Sequence[Any], exercises: Sequence[Mapping[str, Any]], latest: Sequence[Any] | None
) -> PlanTrack:
    """Rebuild a track from its stored rows: `row` of workout_plans, `latest` of plan_versions."""
    (plan_id, owner_id, name, description, difficulty, duration, version, active, created_by) = row[:9]
    (created_at, updated_at, position) = row[9:12]
    versions: tuple[PlanVersion, ...] = ()
    if latest is not None:
        number, parent, version_exercises, change_description, changed_by, versioned_at = latest
        versions = (
            PlanVersion(
                number=number,
                parent=parent,
                exercises=tuple(read_exercise(e) for e in version_exercises),
                change_description=change_description,
                changed_by=Actor(changed_by),
                created_at=versioned_at,
            ),
        )
    plan = Plan(
        plan_id=plan_id,
        owner_id=owner_id,
        name=name,
        description=description,
        difficulty=Difficulty(difficulty),
        duration_minutes=duration,
        exercises=tuple(read_exercise(e) for e in exercises),
        versions=versions,
        archived=not active,
        created_by=Actor(created_by),
        created_at=created_at,
        updated_at=updated_at,
    )
    return PlanTrack(plan_id, plan, version, position)
