"""The rebuild path of the workout projection: fold the whole log in memory, write with COPY.

The fresh tables belong to the rebuild alone, so plan states stay in memory between batches (a log
interleaves its plans, and loading and writing back every touched plan per batch would redo most of the
work each time). New versions are append-only rows: they go out by COPY whenever `max_pending_versions`
pile up. At a flush every changed plan is written: one written before is deleted first, then all rows
go in by COPY. Past `max_plans` states in memory, the flush also forgets them; a forgotten plan is loaded
back from the fresh tables when its stream goes on.
"""

from __future__ import annotations

from collections.abc import Sequence

from application.eventstore import RecordedEvent
from projections.projection import Connection
from projections.workout.fold import PlanFolder, Tracks, exercise_rows, plan_row, uuid_of, version_rows
from projections.workout.sql import load, statements

DEFAULT_MAX_PLANS = 20_000
"""About 10 kB each for plans of ~15 exercises: a rebuild of 10,000 plans peaked at 250 MB in all."""
DEFAULT_MAX_PENDING_VERSIONS = 20_000


class WorkoutReplay:
    def __init__(
        self,
        schema: str,
        folder: PlanFolder,
        *,
        max_plans: int = DEFAULT_MAX_PLANS,
        max_pending_versions: int = DEFAULT_MAX_PENDING_VERSIONS,
    ) -> None:
        self._sql = statements(schema)
        self._schema = schema
        self._folder = folder
        self._max_plans = max_plans
        self._max_pending_versions = max_pending_versions
        self._tracks: Tracks = {}
        self._stored: set[str] = set()
        """Plan streams with rows in the fresh tables."""
        self._versions_written = 0

    @property
    def wants_flush(self) -> bool:
        return len(self._tracks) > self._max_plans

    async def feed(self, conn: Connection, events: Sequence[RecordedEvent]) -> None:
        plan_id_of, fold, tracks = self._folder.plan_id, self._folder.fold, self._tracks
        plan_events = [event for event in events if plan_id_of(event) is not None]
        stored = self._stored
        forgotten = (
            {e.stream for e in plan_events if e.stream not in tracks and e.stream in stored}
            if stored
            else None
        )
        if forgotten:
            tracks.update(await load(conn, self._schema, [uuid_of(stream) for stream in forgotten]))
        for event in plan_events:
            fold(tracks, event)
        if self._folder.versions_created - self._versions_written > self._max_pending_versions:
            await self._write_versions(conn)

    async def flush(self, conn: Connection) -> None:
        changed = {s: t for s, t in self._tracks.items() if t.dirty and t.state is not None}
        rewritten = [track.plan_id for stream, track in changed.items() if stream in self._stored]
        if rewritten:
            await conn.execute(self._sql.delete_plans, (rewritten,))
            await conn.execute(self._sql.delete_exercises, (rewritten,))
        cursor = conn.cursor()
        async with cursor.copy(self._sql.copy_plans) as copy:
            for track in changed.values():
                await copy.write_row(plan_row(track))
        async with cursor.copy(self._sql.copy_exercises) as copy:
            for track in changed.values():
                for row in exercise_rows(track):
                    await copy.write_row(row)
        await self._write_versions(conn)
        for track in changed.values():
            track.dirty = False
        self._stored.update(changed)
        if len(self._tracks) > self._max_plans:
            self._tracks.clear()

    async def _write_versions(self, conn: Connection) -> None:
        async with conn.cursor().copy(self._sql.copy_versions) as copy:
            for track in self._tracks.values():
                for row in version_rows(track):
                    await copy.write_row(row)
                track.new_versions.clear()
        self._versions_written = self._folder.versions_created
