"""Relay cursor pagination: `PageInfo`, opaque cursors and the page-size cap."""

from __future__ import annotations

import base64
from datetime import datetime
from uuid import UUID

import strawberry

from application.plan_reads import MAX_PAGE_SIZE, PageCursor
from schema.errors import BadUserInput

DEFAULT_PAGE_SIZE = 20
MAX_CURSOR_LENGTH = 200


@strawberry.type
class PageInfo:
    has_next_page: bool
    has_previous_page: bool
    start_cursor: str | None
    end_cursor: str | None


def page_info(cursors: list[str], *, has_next: bool, has_previous: bool) -> PageInfo:
    """The `PageInfo` of a page whose edges have `cursors`, in order."""
    return PageInfo(
        has_next_page=has_next,
        has_previous_page=has_previous,
        start_cursor=cursors[0] if cursors else None,
        end_cursor=cursors[-1] if cursors else None,
    )


def page_size(first: int | None) -> int:
    size = DEFAULT_PAGE_SIZE if first is None else first
    if not 1 <= size <= MAX_PAGE_SIZE:
        raise BadUserInput(f"first must be from 1 to {MAX_PAGE_SIZE}", field="first")
    return size


def _encode(text: str) -> str:
    return base64.urlsafe_b64encode(text.encode()).decode().rstrip("=")


def _decode(cursor: str, kind: str) -> str:
    if not isinstance(cursor, str) or not 0 < len(cursor) <= MAX_CURSOR_LENGTH:
        raise BadUserInput("after is not a valid cursor", field="after")
    try:
        text = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
    except ValueError:  # binascii.Error, UnicodeDecodeError, and non-ASCII text (a plain ValueError)
        raise BadUserInput("after is not a valid cursor", field="after") from None
    prefix, _, rest = text.partition("|")
    if prefix != kind:
        raise BadUserInput("after is not a cursor of this list", field="after")
    return rest


def plan_cursor(cursor: PageCursor) -> str:
    return _encode(f"plan|{cursor.updated_at.isoformat()}|{cursor.plan_id}")


def parse_plan_cursor(cursor: str) -> PageCursor:
    updated_at, _, plan_id = _decode(cursor, "plan").partition("|")
    try:
        moment = datetime.fromisoformat(updated_at)
        if moment.tzinfo is None:
            raise ValueError("naive")
        return PageCursor(moment, UUID(plan_id))
    except ValueError:
        raise BadUserInput("after is not a valid cursor", field="after") from None


def version_cursor(version_number: int) -> str:
    return _encode(f"version|{version_number}")


def parse_version_cursor(cursor: str) -> int:
    """The version number a page of versions starts after."""
    raw = _decode(cursor, "version")
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:  # int('²') raises
        raise BadUserInput("after is not a valid cursor", field="after")
    return int(raw)


def session_cursor(started_at: datetime, session_id: UUID) -> str:
    return _encode(f"session|{started_at.isoformat()}|{session_id}")


def parse_session_cursor(cursor: str) -> tuple[datetime, UUID]:
    """(started_at, session id) of the session a page of sessions starts after."""
    started_at, _, session_id = _decode(cursor, "session").partition("|")
    try:
        moment = datetime.fromisoformat(started_at)
        if moment.tzinfo is None:
            raise ValueError("naive")
        return moment, UUID(session_id)
    except ValueError:
        raise BadUserInput("after is not a valid cursor", field="after") from None


def message_cursor(order: int) -> str:
    """The cursor of a coaching message at `CoachingMessageView.order` (the `chat` kind: cursors of the
    former `message` kind held a log position, and are refused rather than misread)."""
    return _encode(f"chat|{order}")


def parse_message_cursor(cursor: str) -> int:
    """The `CoachingMessageView.order` a page of messages starts after."""
    raw = _decode(cursor, "chat")
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
        raise BadUserInput("after is not a valid cursor", field="after")
    return int(raw)


def search_cursor(index: int) -> str:
    """The cursor of the `index`-th (from 0) exercise of a search's matches."""
    return _encode(f"search|{index}")


def parse_search_cursor(cursor: str) -> int:
    """How many matches a page of a search starts after."""
    raw = _decode(cursor, "search")
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 9:
        raise BadUserInput("after is not a valid cursor", field="after")
    return int(raw) + 1


def event_cursor(stream_version: int) -> str:
    """The cursor of a stream's event (a stream's history, an audit's events): its version."""
    return _encode(f"event|{stream_version}")


def parse_event_cursor(cursor: str) -> int:
    """The stream version a page of events starts after."""
    raw = _decode(cursor, "event")
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 18:
        raise BadUserInput("after is not a valid cursor", field="after")
    return int(raw)
