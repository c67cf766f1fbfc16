"""Erasing a forgotten user from the coaching read models: their messages' texts, the coach's notes on
them, the reasons they gave for rejecting suggestions and their safety triggers' notes read as erased, as
a rebuild would show them (the sealed fields no longer open; plain ones, from before sealing, are blanked
here too). Sessions, statuses, the suggestions themselves and usage stay: they keep the read models whole.

`UserForgotten` is in the user's own stream, so this projection reads that one event type from user
streams besides its own.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from uuid import UUID

from psycopg import sql

from application.eventstore import RecordedEvent
from domain.privacy import ERASED_TEXT
from domain.users.events import UserForgotten
from domain.users.streams import USER_STREAM_PREFIX
from projections.coaching.fold import Tracks
from projections.projection import Connection

_ERASE = """
WITH sessions AS (SELECT id FROM {s}.coaching_sessions WHERE user_id = ANY(%(users)s::uuid[]))
, messages AS (
    UPDATE {s}.coaching_messages SET text = %(erased)s, safety_notes = '[]'::jsonb, suggestions = (
        SELECT coalesce(jsonb_agg(CASE WHEN x ? 'rejection_reason'
                                       THEN jsonb_set(x, '{{rejection_reason}}', to_jsonb(%(erased)s::text))
                                       ELSE x END ORDER BY n), '[]'::jsonb)
        FROM jsonb_array_elements(suggestions) WITH ORDINALITY AS s(x, n)
    )
    WHERE session_id IN (SELECT id FROM sessions)
)
UPDATE {s}.safety_triggers SET note = %(erased)s
WHERE session_id IN (SELECT id FROM sessions) AND note <> %(erased)s
"""


def is_user_forgotten(event: RecordedEvent) -> bool:
    return event.type == UserForgotten.type and event.stream.startswith(USER_STREAM_PREFIX)


def forgotten_users(events: Iterable[RecordedEvent]) -> list[tuple[UUID, int]]:
    """The users forgotten in `events`, with the position of their `UserForgotten`."""
    return [(UUID(event.data["user_id"]), event.position) for event in events if is_user_forgotten(event)]


def erase_held(tracks: Tracks, users: set[UUID]) -> None:
    """Erase the texts of the users' sessions held in memory (a rebuild's tracks)."""
    for track in tracks.values():
        if track.session is None or track.session.user_id not in users:
            continue
        for message in track.messages.values():
            message.text, message.safety_notes, message.dirty = ERASED_TEXT, [], True
            for suggestion in message.suggestions:
                if "rejection_reason" in suggestion:
                    suggestion["rejection_reason"] = ERASED_TEXT
        track.triggers = [trigger._replace(note=ERASED_TEXT) for trigger in track.triggers]


async def erase_rows(conn: Connection, schema: str, users: Sequence[UUID]) -> None:
    """Erase the texts of the users' sessions already in the tables."""
    if users:
        await conn.execute(_erase(schema), {"users": list(users), "erased": ERASED_TEXT})


@lru_cache(maxsize=8)
def _erase(schema: str) -> sql.Composed:
    return sql.SQL(_ERASE).format(s=sql.Identifier(schema))
