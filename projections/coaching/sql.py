"""SQL of the coaching read models, for any schema (`ai`, or `ai__rebuild` during a rebuild).

Writes are set-based (arrays in, `unnest` out). The session row is the guard: it is upserted only when
the batch brings it to a newer stream version, and the batch's messages, triggers and usage of a session
are written only when its row was. Usage is additive, so that guard is what keeps a replayed batch from
counting twice.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from typing import Any
from uuid import UUID

import orjson
from psycopg import sql

from projections.coaching.fold import MessageRow, SessionRow, SessionTrack, Tracks, Usage
from projections.projection import Connection

_DDL = """
CREATE TABLE IF NOT EXISTS {s}.coaching_sessions (
    id uuid PRIMARY KEY,
    user_id uuid NOT NULL,
    personality text NOT NULL,
    plan_id uuid,
    status text NOT NULL CHECK (status IN ('active', 'ended')),
    message_count int NOT NULL,
    started_at timestamptz NOT NULL,
    updated_at timestamptz NOT NULL,
    ended_at timestamptz,
    version int NOT NULL,
    last_position bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS coaching_sessions_user_newest
    ON {s}.coaching_sessions (user_id, started_at DESC, id DESC);

CREATE TABLE IF NOT EXISTS {s}.coaching_messages (
    id uuid PRIMARY KEY,
    session_id uuid NOT NULL,
    user_id uuid NOT NULL,
    role text NOT NULL CHECK (role IN ('user', 'coach')),
    text text NOT NULL,
    status text NOT NULL CHECK (status IN ('waiting', 'answered', 'generating', 'completed', 'failed')),
    in_reply_to uuid,
    provider text,
    model text,
    attempt int,
    suggestions jsonb NOT NULL,
    safety_action text,
    safety_notes jsonb NOT NULL,
    confidence double precision,
    input_tokens int,
    output_tokens int,
    latency_ms int,
    failure_cause text,
    created_at timestamptz NOT NULL,
    completed_at timestamptz,
    position bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS coaching_messages_in_order ON {s}.coaching_messages (session_id, position);
-- A user message and the reply created with it share a position: the message comes first.
CREATE INDEX IF NOT EXISTS coaching_messages_replies
    ON {s}.coaching_messages (in_reply_to) WHERE in_reply_to IS NOT NULL;
CREATE INDEX IF NOT EXISTS coaching_messages_waiting
    ON {s}.coaching_messages (position) WHERE role = 'user' AND status = 'waiting';

CREATE TABLE IF NOT EXISTS {s}.coach_usage (
    user_id uuid NOT NULL,
    day date NOT NULL,
    input_tokens bigint NOT NULL,
    output_tokens bigint NOT NULL,
    replies int NOT NULL,
    PRIMARY KEY (user_id, day)
);

CREATE TABLE IF NOT EXISTS {s}.safety_triggers (
    id uuid PRIMARY KEY,
    session_id uuid NOT NULL,
    user_id uuid NOT NULL,
    reply_id uuid NOT NULL,
    category text NOT NULL,
    action text NOT NULL,
    direction text NOT NULL CHECK (direction IN ('input', 'output')),
    note text NOT NULL,
    at timestamptz NOT NULL,
    position bigint NOT NULL
);
CREATE INDEX IF NOT EXISTS safety_triggers_for_audit ON {s}.safety_triggers (category, action, at);
CREATE INDEX IF NOT EXISTS safety_triggers_of_session ON {s}.safety_triggers (session_id, position);
CREATE INDEX IF NOT EXISTS safety_triggers_of_reply ON {s}.safety_triggers (reply_id, position);
"""
SESSION_COLUMNS = (
    "id", "user_id", "personality", "plan_id", "status", "message_count",
    "started_at", "updated_at", "ended_at", "version", "last_position",
)  # fmt: skip
_SESSION_TYPES = (
    "uuid", "uuid", "text", "uuid", "text", "int4",
    "timestamptz", "timestamptz", "timestamptz", "int4", "int8",
)  # fmt: skip
MESSAGE_COLUMNS = (
    "id", "session_id", "user_id", "role", "text", "status", "in_reply_to", "provider", "model", "attempt",
    "suggestions", "safety_action", "safety_notes", "confidence", "input_tokens", "output_tokens",
    "latency_ms", "failure_cause", "created_at", "completed_at", "position",
)  # fmt: skip
_MESSAGE_TYPES = (
    "uuid", "uuid", "uuid", "text", "text", "text", "uuid", "text", "text", "int4",
    "text", "text", "text", "float8", "int4", "int4",
    "int4", "text", "timestamptz", "timestamptz", "int8",
)  # fmt: skip
_JSON = {"suggestions", "safety_notes"}
TRIGGER_COLUMNS = (
    "id", "session_id", "user_id", "reply_id", "category", "action", "direction", "note", "at", "position",
)  # fmt: skip
_TRIGGER_TYPES = ("uuid", "uuid", "uuid", "uuid", "text", "text", "text", "text", "timestamptz", "int8")


def _upsert(table: str, columns: Sequence[str], types: Sequence[str], conflict: str, tail: str) -> str:
    listed = ", ".join(columns)
    selected = ", ".join(f"{c}::jsonb" if c in _JSON else c for c in columns)
    arrays = ", ".join(f"%b::{t}[]" for t in types)
    return (
        f"INSERT INTO {{s}}.{table} AS r ({listed}) SELECT {selected}"
        f" FROM unnest({arrays}) AS t({listed}) ON CONFLICT ({conflict}) {tail}"
    )


def _set_all(columns: Sequence[str]) -> str:
    return f"DO UPDATE SET ({', '.join(columns)}) = ROW({', '.join(f'excluded.{c}' for c in columns)})"


_UPSERT_SESSIONS = _upsert(
    "coaching_sessions",
    SESSION_COLUMNS,
    _SESSION_TYPES,
    "id",
    _set_all(SESSION_COLUMNS) + " WHERE r.version < excluded.version RETURNING r.id",
)
_UPSERT_MESSAGES = _upsert(
    "coaching_messages", MESSAGE_COLUMNS, _MESSAGE_TYPES, "id", _set_all(MESSAGE_COLUMNS)
)
_INSERT_TRIGGERS = _upsert("safety_triggers", TRIGGER_COLUMNS, _TRIGGER_TYPES, "id", "DO NOTHING")
_ADD_USAGE = """
INSERT INTO {s}.coach_usage AS u (user_id, day, input_tokens, output_tokens, replies)
SELECT * FROM unnest(%b::uuid[], %b::date[], %b::int8[], %b::int8[], %b::int4[])
ON CONFLICT (user_id, day) DO UPDATE SET
    input_tokens = u.input_tokens + excluded.input_tokens,
    output_tokens = u.output_tokens + excluded.output_tokens,
    replies = u.replies + excluded.replies
"""
_LOAD_SESSIONS = (
    f"SELECT {', '.join(SESSION_COLUMNS)} FROM {{s}}.coaching_sessions WHERE id = ANY(%b::uuid[])"
)
_MESSAGES = f"SELECT {', '.join(MESSAGE_COLUMNS)} FROM {{s}}.coaching_messages"
# The rows a batch's events refer to: by id (replies and messages finishing), by the message answered
# (an earlier claim a takeover ends), and by a suggestion they made (accepted or rejected).
_LOAD_REFERRED = (
    _MESSAGES
    + """
 WHERE id = ANY(%(ids)s::uuid[]) OR in_reply_to = ANY(%(ids)s::uuid[])
    OR (session_id = ANY(%(deciding)s::uuid[]) AND role = 'coach' AND suggestions <> '[]'::jsonb
        AND EXISTS (SELECT FROM jsonb_array_elements(suggestions) x
                     WHERE x->>'suggestion_id' = ANY(%(suggestions)s::text[])))
"""
)
_LOAD_WHOLE = _MESSAGES + " WHERE session_id = ANY(%b::uuid[])"


@dataclass(frozen=True, slots=True)
class CoachingSql:
    create_tables: sql.Composed
    load_sessions: sql.Composed
    load_referred: sql.Composed
    load_whole: sql.Composed
    upsert_sessions: sql.Composed
    upsert_messages: sql.Composed
    insert_triggers: sql.Composed
    add_usage: sql.Composed


@lru_cache(maxsize=8)
def statements(schema: str) -> CoachingSql:
    def bind(template: str) -> sql.Composed:
        return sql.SQL(template).format(s=sql.Identifier(schema))

    return CoachingSql(
        create_tables=bind(_DDL),
        load_sessions=bind(_LOAD_SESSIONS),
        load_referred=bind(_LOAD_REFERRED),
        load_whole=bind(_LOAD_WHOLE),
        upsert_sessions=bind(_UPSERT_SESSIONS),
        upsert_messages=bind(_UPSERT_MESSAGES),
        insert_triggers=bind(_INSERT_TRIGGERS),
        add_usage=bind(_ADD_USAGE),
    )


@dataclass(frozen=True, slots=True)
class References:
    """What a batch's events of stored sessions refer to (see `_LOAD_REFERRED`)."""

    ids: Collection[UUID]
    deciding: Collection[UUID]
    """Sessions whose suggestions the batch accepts or rejects."""
    suggestions: Collection[UUID]


async def load(
    conn: Connection, schema: str, session_ids: Collection[UUID], refs: References | None
) -> Tracks:
    """The stored tracks of `session_ids`, holding the messages `refs` names, or all their messages
    when `refs` is None. Two queries, sent before either is read (one round trip in pipeline mode)."""
    if not session_ids:
        return {}
    q = statements(schema)
    sessions_sent = await conn.execute(q.load_sessions, (list(session_ids),))
    if refs is None:
        messages_sent = await conn.execute(q.load_whole, (list(session_ids),))
    else:
        params = {
            "ids": list(refs.ids),
            "deciding": list(refs.deciding),
            "suggestions": [str(s) for s in refs.suggestions],
        }
        messages_sent = await conn.execute(q.load_referred, params)
    tracks = {row[0]: _track(row) for row in await sessions_sent.fetchall()}
    for row in await messages_sent.fetchall():
        track = tracks.get(row[1])
        if track is not None:
            track.hold(_message(row))
    return tracks


async def write(conn: Connection, schema: str, tracks: Iterable[SessionTrack]) -> set[UUID]:
    """Write the changed tracks; returns the sessions written (those newer than their stored row)."""
    q = statements(schema)
    changed = [track for track in tracks if track.dirty and track.session is not None]
    if not changed:
        return set()
    cursor = await conn.execute(q.upsert_sessions, _columns([session_row(t) for t in changed], 11))
    written = {row[0] for row in await cursor.fetchall()}
    changed = [track for track in changed if track.session_id in written]
    messages = [message_row(m) for t in changed for m in t.messages.values() if m.dirty]
    if messages:
        await conn.execute(q.upsert_messages, _columns(messages, len(MESSAGE_COLUMNS)))
    triggers = [trigger for t in changed for trigger in t.triggers]
    if triggers:
        await conn.execute(q.insert_triggers, _columns(triggers, len(TRIGGER_COLUMNS)))
    usage = _usage_rows(changed)
    if usage:
        await conn.execute(q.add_usage, _columns(usage, 5))
    for track in changed:
        track.written()
    return written


def session_row(track: SessionTrack) -> tuple[Any, ...]:
    s = track.session
    assert s is not None
    return (
        *(track.session_id, s.user_id, s.personality, s.plan_id, s.status, s.message_count),
        *(s.started_at, s.updated_at, s.ended_at, track.version, track.position),
    )


def message_row(m: MessageRow) -> tuple[Any, ...]:
    return (
        *(m.id, m.session_id, m.user_id, m.role, m.text, m.status, m.in_reply_to, m.provider, m.model),
        *(m.attempt, _json(m.suggestions), m.safety_action, _json(m.safety_notes), m.confidence),
        *(m.input_tokens, m.output_tokens, m.latency_ms, m.failure_cause, m.created_at, m.completed_at),
        m.position,
    )


def _track(row: Sequence[Any]) -> SessionTrack:
    (session_id, user_id, personality, plan_id, status, count, started, updated, ended) = row[:9]
    session = SessionRow(
        user_id=user_id,
        personality=personality,
        plan_id=plan_id,
        status=status,
        message_count=count,
        started_at=started,
        updated_at=updated,
        ended_at=ended,
    )
    return SessionTrack(session_id, session, version=row[9], position=row[10])


def _message(row: Sequence[Any]) -> MessageRow:
    fields = dict(zip(MESSAGE_COLUMNS, row, strict=True))
    return MessageRow(**fields)


def _usage_rows(tracks: Iterable[SessionTrack]) -> list[tuple[UUID, date, int, int, int]]:
    totals: defaultdict[tuple[UUID, date], Usage] = defaultdict(Usage)
    for track in tracks:
        assert track.session is not None
        for day, usage in track.usage.items():
            total = totals[track.session.user_id, day]
            total.input_tokens += usage.input_tokens
            total.output_tokens += usage.output_tokens
            total.replies += usage.replies
    return [(user, day, u.input_tokens, u.output_tokens, u.replies) for (user, day), u in totals.items()]


def _json(value: object) -> str:
    return orjson.dumps(value).decode()


def _columns(rows: Sequence[tuple[Any, ...]], width: int) -> list[list[Any]]:
    """Row tuples turned into one list per column, the shape `unnest` takes."""
    return [list(column) for column in zip(*rows, strict=True)] if rows else [[] for _ in range(width)]
