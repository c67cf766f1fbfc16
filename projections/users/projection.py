"""The `users` projection: the `auth.users` read model (profile, role, version), in schema `auth`.

The projection owns schema `auth` whole, as a rebuild swaps it; the refresh tokens, which are not a read
model, live in `auth_tokens` (adapters/postgres/auth_schema.py).

Per batch: the events of `user-<id>` streams (claim streams and everything else are skipped), the
touched users that existed before the batch loaded in one query, folded in memory with the domain's
`decode` and `evolve`, and written back in one upsert; a forgotten user's row is deleted. Each batch
invalidates the touched users' cached responses; session answers (`session:{user}`) are invalidated by
the accounts use cases (application/session_check).
"""

from __future__ import annotations

from collections.abc import Sequence
from uuid import UUID

from application.cache import CacheKey, Invalidation
from application.eventstore import RecordedEvent
from application.response_cache import entry_version
from domain.users import ForgottenUser
from domain.users.streams import USER_STREAM_PREFIX
from projections.projection import Connection
from projections.users.fold import Tracks, fold, user_row, user_stream_id
from projections.users.sql import load, statements, write

DEFAULT_MAX_USERS = 50_000
"""Users a rebuild holds in memory between flushes (about 2 kB each)."""


class UsersProjection:
    name = "users"
    schema = "auth"

    def __init__(self, *, replay_max_users: int = DEFAULT_MAX_USERS) -> None:
        self._replay_max_users = replay_max_users

    def create_tables(self, schema: str) -> str:
        return statements(schema).create_tables.as_string(None)

    def handles(self, event: RecordedEvent) -> bool:
        return event.stream.startswith(USER_STREAM_PREFIX)

    async def apply(
        self, conn: Connection, schema: str, events: Sequence[RecordedEvent]
    ) -> list[Invalidation]:
        user_events = _user_events(events)
        if not user_events:
            return []
        first_versions: dict[str, tuple[UUID, int]] = {}
        for event, user_id in user_events:
            first_versions.setdefault(event.stream, (user_id, event.stream_version))
        # A user whose stream starts in this batch has no row yet.
        tracks = await load(conn, schema, [user for user, version in first_versions.values() if version > 1])
        for event, user_id in user_events:
            fold(tracks, event, user_id)
        await write(conn, schema, tracks.values())
        # What a user sees of themselves (owner, node) is cached with their read results.
        return [
            Invalidation(CacheKey.responses(track.user_id), entry_version(track.position))
            for track in tracks.values()
        ]

    def replay(self, schema: str) -> UsersReplay:
        return UsersReplay(schema, max_users=self._replay_max_users)


class UsersReplay:
    """The rebuild path: users folded in memory, written by COPY at each flush.

    A flush writes every changed user (deleting first the rows of those written before) and, past
    `max_users` in memory, forgets them all; a forgotten user is loaded back from the fresh table when
    its stream goes on.
    """

    def __init__(self, schema: str, *, max_users: int = DEFAULT_MAX_USERS) -> None:
        self._schema = schema
        self._sql = statements(schema)
        self._max_users = max_users
        self._tracks: Tracks = {}
        self._stored: set[str] = set()
        """User streams with a row in the fresh table."""

    @property
    def wants_flush(self) -> bool:
        return len(self._tracks) > self._max_users

    async def feed(self, conn: Connection, events: Sequence[RecordedEvent]) -> None:
        user_events = _user_events(events)
        tracks, stored = self._tracks, self._stored
        forgotten = {
            user for event, user in user_events if event.stream not in tracks and event.stream in stored
        }
        if forgotten:
            tracks.update(await load(conn, self._schema, list(forgotten)))
        for event, user_id in user_events:
            fold(tracks, event, user_id)

    async def flush(self, conn: Connection) -> None:
        changed = {stream: row for stream, t in self._tracks.items() if t.dirty and (row := user_row(t))}
        rewritten = [row[0] for stream, row in changed.items() if stream in self._stored]
        forgotten = {
            stream: t.user_id
            for stream, t in self._tracks.items()
            if t.dirty and isinstance(t.state, ForgottenUser) and stream in self._stored
        }
        if rewritten or forgotten:
            await conn.execute(self._sql.delete, ([*rewritten, *forgotten.values()],))
        self._stored.difference_update(forgotten)
        async with conn.cursor().copy(self._sql.copy) as copy:
            for row in changed.values():
                await copy.write_row(row)
        for track in self._tracks.values():
            track.dirty = False
        self._stored.update(changed)
        if len(self._tracks) > self._max_users:
            self._tracks.clear()


def _user_events(events: Sequence[RecordedEvent]) -> list[tuple[RecordedEvent, UUID]]:
    return [(event, user_id) for event in events if (user_id := user_stream_id(event)) is not None]
