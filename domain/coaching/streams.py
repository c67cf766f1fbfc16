"""Stream names of coaching sessions: one stream per conversation, `coaching-<session id>`."""

from __future__ import annotations

from uuid import UUID

COACHING_STREAM_PREFIX = "coaching-"


def coaching_stream(session_id: UUID) -> str:
    return f"{COACHING_STREAM_PREFIX}{session_id}"
