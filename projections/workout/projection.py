"""The `workout_plans` projection: workout plans, their exercises and their versions, in schema `workout`.

Per batch: group the events by plan, load the touched plans that existed before the batch (two queries),
fold the events in memory with the domain's `decode` and `evolve`, and write back set-based (upsert the
plans, replace their exercises, insert new versions).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from application.cache import CacheKey, Invalidation
from application.eventstore import RecordedEvent
from application.response_cache import stale_responses
from domain.event_codec import EventCodec
from domain.plans.codec import PLAN_CODEC
from domain.plans.events import PlanEvent
from domain.plans.streams import PLAN_STREAM_PREFIX
from projections.projection import Connection
from projections.workout.fold import PlanFolder, PlanTrack, uuid_of
from projections.workout.replay import DEFAULT_MAX_PENDING_VERSIONS, DEFAULT_MAX_PLANS, WorkoutReplay
from projections.workout.sql import load, statements, write


class WorkoutPlansProjection:
    name = "workout_plans"
    schema = "workout"

    def __init__(
        self,
        codec: EventCodec[PlanEvent] = PLAN_CODEC,
        *,
        replay_max_plans: int = DEFAULT_MAX_PLANS,
        replay_max_pending_versions: int = DEFAULT_MAX_PENDING_VERSIONS,
    ) -> None:
        self._codec = codec
        self._folder = PlanFolder(codec)
        self._replay_max_plans = replay_max_plans
        self._replay_max_pending_versions = replay_max_pending_versions

    def create_tables(self, schema: str) -> str:
        return statements(schema).create_tables.as_string(None)

    def handles(self, event: RecordedEvent) -> bool:
        return event.stream.startswith(PLAN_STREAM_PREFIX)

    async def apply(
        self, conn: Connection, schema: str, events: Sequence[RecordedEvent]
    ) -> list[Invalidation]:
        plan_events = [event for event in events if self._folder.plan_id(event) is not None]
        if not plan_events:
            return []
        first_versions: dict[str, int] = {}
        for event in plan_events:
            first_versions.setdefault(event.stream, event.stream_version)
        # A plan whose stream starts in this batch has no rows yet.
        to_load = [uuid_of(stream) for stream, version in first_versions.items() if version > 1]
        tracks = await load(conn, schema, to_load)
        for event in plan_events:
            self._folder.fold(tracks, event)
        await write(conn, schema, tracks.values())
        plans = [Invalidation(CacheKey.plan(track.plan_id), track.version) for track in tracks.values()]
        return plans + owners_responses(tracks.values())

    def replay(self, schema: str) -> WorkoutReplay:
        return WorkoutReplay(
            schema,
            PlanFolder(self._codec),
            max_plans=self._replay_max_plans,
            max_pending_versions=self._replay_max_pending_versions,
        )


def owners_responses(tracks: Iterable[PlanTrack]) -> list[Invalidation]:
    """The owners' cached read results are stale from the position of their plans' last change."""
    return stale_responses((t.state.owner_id, t.position) for t in tracks if t.state is not None)
