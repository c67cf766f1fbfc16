"""The `coaching` projection: the AI coach's read models in schema `ai`: `coaching_sessions`,
`coaching_messages` (user messages and coach replies, suggestions included), `safety_triggers` (for
auditors) and `coach_usage` (tokens and replies per user per UTC day). The projection owns schema `ai`
whole, as a rebuild swaps it: tables that are no read model (a worker's state, say) belong elsewhere.

Per batch: the events of `coaching-<id>` streams; the sessions that existed before the batch loaded with
just the message rows the events refer to (one round trip), folded in memory (`fold`), written back
set-based (`sql.write`). `node(id)` results of sessions and messages sit in their owner's per-user
response cache (`web.cached_reads`): each batch invalidates it for the owners of the sessions it wrote.
A `UserForgotten` (from the user's stream) erases that user's texts (`projections.coaching.erasure`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from uuid import UUID

from application.cache import Invalidation
from application.eventstore import RecordedEvent
from application.response_cache import stale_responses
from domain.coaching import decode
from domain.coaching.events import (
    CoachReplyCompleted,
    CoachReplyFailed,
    CoachReplyStarted,
    SuggestionAccepted,
    SuggestionRejected,
)
from domain.coaching.streams import COACHING_STREAM_PREFIX
from projections.coaching.erasure import erase_held, erase_rows, forgotten_users, is_user_forgotten
from projections.coaching.fold import SessionTrack, Tracks, coaching_events, fold
from projections.coaching.sql import References, load, statements, write
from projections.projection import Connection, EventFailed

DEFAULT_MAX_ROWS = 50_000
"""Rows (sessions and messages) a rebuild holds in memory between flushes (a message with its text:
about 2 kB)."""


class CoachingProjection:
    name = "coaching"
    schema = "ai"

    def __init__(self, *, replay_max_rows: int = DEFAULT_MAX_ROWS) -> None:
        self._replay_max_rows = replay_max_rows

    def create_tables(self, schema: str) -> str:
        return statements(schema).create_tables.as_string(None)

    def handles(self, event: RecordedEvent) -> bool:
        return event.stream.startswith(COACHING_STREAM_PREFIX) or is_user_forgotten(event)

    async def apply(
        self, conn: Connection, schema: str, events: Sequence[RecordedEvent]
    ) -> list[Invalidation]:
        invalidations = await self._apply_sessions(conn, schema, events)
        forgotten = forgotten_users(events)
        if forgotten:
            # After the batch's own session events: the user's last messages are erased too.
            await erase_rows(conn, schema, [user for user, _ in forgotten])
            invalidations.extend(stale_responses(forgotten))
        return invalidations

    async def _apply_sessions(
        self, conn: Connection, schema: str, events: Sequence[RecordedEvent]
    ) -> list[Invalidation]:
        session_events = coaching_events(events)
        if not session_events:
            return []
        first_versions: dict[UUID, int] = {}
        for event, session_id in session_events:
            first_versions.setdefault(session_id, event.stream_version)
        # A session whose stream starts in this batch has no rows yet.
        stored = {session_id for session_id, version in first_versions.items() if version > 1}
        refs = _references([(e, s) for e, s in session_events if s in stored])
        tracks = await load(conn, schema, stored, refs)
        for event, session_id in session_events:
            fold(tracks, event, session_id)
        written = await write(conn, schema, tracks.values())
        return _owners_responses(tracks[session_id] for session_id in written)

    def replay(self, schema: str) -> CoachingReplay:
        return CoachingReplay(schema, max_rows=self._replay_max_rows)


class CoachingReplay:
    """The rebuild path: sessions folded in memory with all their messages, upserted at each flush.

    Past `max_rows` rows in memory (sessions and messages), a flush also forgets every session; a
    forgotten session is loaded back whole from the fresh tables when its stream goes on.
    """

    def __init__(self, schema: str, *, max_rows: int = DEFAULT_MAX_ROWS) -> None:
        self._schema = schema
        self._max_rows = max_rows
        self._tracks: Tracks = {}
        self._stored: set[UUID] = set()
        """Sessions with rows in the fresh tables."""
        self._forgotten: set[UUID] = set()
        """Users forgotten so far: their texts are erased in memory and, at each flush, in the tables."""

    @property
    def wants_flush(self) -> bool:
        return self._held() > self._max_rows

    async def feed(self, conn: Connection, events: Sequence[RecordedEvent]) -> None:
        session_events = coaching_events(events)
        tracks = self._tracks
        forgotten = {s for _, s in session_events if s not in tracks and s in self._stored}
        if forgotten:
            tracks.update(await load(conn, self._schema, forgotten, None))
        for event, session_id in session_events:
            fold(tracks, event, session_id)
        forgotten = {user for user, _ in forgotten_users(events)}
        if forgotten:
            self._forgotten |= forgotten
            erase_held(tracks, forgotten)

    async def flush(self, conn: Connection) -> None:
        await write(conn, self._schema, self._tracks.values())
        await erase_rows(conn, self._schema, sorted(self._forgotten))
        self._stored.update(s for s, track in self._tracks.items() if track.session is not None)
        if self._held() > self._max_rows:
            self._tracks.clear()

    def _held(self) -> int:
        """Rows held: sessions and their messages."""
        return len(self._tracks) + sum(len(track.messages) for track in self._tracks.values())


def _owners_responses(tracks: Iterable[SessionTrack]) -> list[Invalidation]:
    """The owners' cached read results are stale from the position of their sessions' last change."""
    return stale_responses((t.session.user_id, t.position) for t in tracks if t.session is not None)


def _references(session_events: Sequence[tuple[RecordedEvent, UUID]]) -> References:
    ids: set[UUID] = set()
    deciding: set[UUID] = set()
    suggestions: set[UUID] = set()
    for recorded, session_id in session_events:
        try:
            event = decode(recorded.type, recorded.schema_version, recorded.data)
        except Exception as error:
            raise EventFailed(recorded) from error
        match event:
            case CoachReplyStarted():
                ids.update((event.reply_id, event.message_id))
            case CoachReplyCompleted() | CoachReplyFailed():
                ids.update((event.reply_id, event.message_id))
            case SuggestionAccepted() | SuggestionRejected():
                deciding.add(session_id)
                suggestions.add(event.suggestion_id)
    return References(ids, deciding, suggestions)
