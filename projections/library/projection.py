"""The `library` projection: the exercise library's read model, `library.exercises`, in schema `library`.

Per batch: the events of `library-<id>` streams, the touched exercises that existed before the batch
loaded in one query, folded in memory with the domain's `decode` and `evolve`, written back in one
upsert (`projections.library.sql`). When a row changed, the search cache's generation moves to the
batch's last library position (`application.library_reads`), which makes every cached search stale.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from application.cache import Invalidation
from application.eventstore import RecordedEvent
from application.library_reads import generation_invalidation
from application.library_views import LIBRARY_PROJECTION, slug_of
from domain.library.streams import LIBRARY_STREAM_PREFIX
from projections.library.fold import (
    ExerciseTrack,
    Tracks,
    exercise_row,
    fold,
    library_exercise_id,
    slug_suffix,
    stream_of,
    track_from_row,
)
from projections.library.sql import load_rows, statements, upsert
from projections.projection import Connection

DEFAULT_MAX_EXERCISES = 20_000
"""Exercises a rebuild holds in memory between flushes (a few kB each)."""
WRITE_CHUNK = 1_000


class LibraryProjection:
    name = LIBRARY_PROJECTION
    schema = "library"

    def __init__(self, *, replay_max_exercises: int = DEFAULT_MAX_EXERCISES) -> None:
        self._replay_max_exercises = replay_max_exercises

    def create_tables(self, schema: str) -> str:
        return statements(schema).create_tables.as_string(None)

    def handles(self, event: RecordedEvent) -> bool:
        return event.stream.startswith(LIBRARY_STREAM_PREFIX)

    async def apply(
        self, conn: Connection, schema: str, events: Sequence[RecordedEvent]
    ) -> list[Invalidation]:
        library_events = _library_events(events)
        if not library_events:
            return []
        first_versions: dict[str, tuple[str, int]] = {}
        for event, exercise_id in library_events:
            first_versions.setdefault(event.stream, (exercise_id, event.stream_version))
        # An exercise whose stream starts in this batch has no row yet.
        to_load = [exercise_id for exercise_id, version in first_versions.values() if version > 1]
        tracks = await load(conn, schema, to_load)
        for event, exercise_id in library_events:
            fold(tracks, event, exercise_id)
        written = await write(conn, schema, tracks.values())
        if not written:
            return []
        return [generation_invalidation(max(t.position for t in tracks.values() if t.exercise_id in written))]

    def replay(self, schema: str) -> LibraryReplay:
        return LibraryReplay(schema, max_exercises=self._replay_max_exercises)


class LibraryReplay:
    """The rebuild path: exercises folded in memory, upserted at each flush; past `max_exercises` the
    flush forgets them, and a forgotten one is loaded back from the fresh table when its stream goes on."""

    def __init__(self, schema: str, *, max_exercises: int = DEFAULT_MAX_EXERCISES) -> None:
        self._schema = schema
        self._max_exercises = max_exercises
        self._tracks: Tracks = {}
        self._stored: set[str] = set()
        """Exercise streams with a row in the fresh table."""

    @property
    def wants_flush(self) -> bool:
        return len(self._tracks) > self._max_exercises

    async def feed(self, conn: Connection, events: Sequence[RecordedEvent]) -> None:
        library_events = _library_events(events)
        tracks = self._tracks
        forgotten = {
            exercise_id
            for event, exercise_id in library_events
            if event.stream not in tracks and event.stream in self._stored
        }
        if forgotten:
            tracks.update(await load(conn, self._schema, list(forgotten)))
        for event, exercise_id in library_events:
            fold(tracks, event, exercise_id)

    async def flush(self, conn: Connection) -> None:
        await write(conn, self._schema, self._tracks.values())
        self._stored.update(stream for stream, track in self._tracks.items() if track.state is not None)
        for track in self._tracks.values():
            track.dirty = False
        if len(self._tracks) > self._max_exercises:
            self._tracks.clear()


async def load(conn: Connection, schema: str, exercise_ids: Sequence[str]) -> Tracks:
    rows = await load_rows(conn, schema, exercise_ids)
    return {stream_of(track): track for track in map(track_from_row, rows)}


async def write(conn: Connection, schema: str, tracks: Iterable[ExerciseTrack]) -> set[str]:
    """Upsert the rows of the changed tracks, in chunks; returns the ids actually written."""
    rows = [row for track in tracks if track.dirty and (row := exercise_row(track)) is not None]
    # Two new ids of one batch sharing a slug: the later one takes the suffix right away (the upsert's
    # own check only sees rows stored before the statement).
    seen: set[str] = set()
    for row in rows:
        if row["slug"] in seen:
            row["slug"] = f"{slug_of(row['id'])}-{slug_suffix(row['id'])}"
        seen.add(row["slug"])
    written: set[str] = set()
    for start in range(0, len(rows), WRITE_CHUNK):
        written |= await upsert(conn, schema, rows[start : start + WRITE_CHUNK])
    return written


def _library_events(events: Sequence[RecordedEvent]) -> list[tuple[RecordedEvent, str]]:
    return [(event, exercise) for event in events if (exercise := library_exercise_id(event)) is not None]
