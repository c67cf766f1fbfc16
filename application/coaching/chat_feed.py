"""The `ChatFeed` port: every event of one coaching chat, in order, each with a cursor to resume after.

Entries are small: a user message sent (`message`), and the steps of a reply as the coach worker writes it
(`started`, text `delta`s, `reset`, `completed`, `failed`). Token deltas are not events of the log (the
completed reply is): the feed is what lets a client that lost its connection, or moved to another API
replica, or outlived the server that generated the reply, resume exactly where it was.

Cursors: a feed numbers its entries 1, 2, 3, ... within an *origin*, a random token chosen when the
session's feed is first written or read; a cursor is (origin, number). The feed keeps at most `maxlen`
entries per session, for `ttl` after its last write (then it is gone and a later write starts a new
origin). Following after a cursor delivers every entry numbered above it, once; when some of those are
no longer held (trimmed, expired, or the cursor is of another origin), the follower delivers a `gap` item
first, whose cursor is just before the oldest entry still held: the client re-reads the session's
messages and goes on from there. Nothing is ever skipped silently.

Usage, e.g. in a GraphQL subscription resolver:

    async with feed.follow(session_id, after=FeedCursor.parse(text) if text else None) as items:
        async for item in items:
            ...   # item.cursor.text() is what the client passes back as `after`
"""

from __future__ import annotations

import base64
import binascii
import enum
import re
import secrets
from collections.abc import AsyncIterator
from contextlib import AbstractAsyncContextManager
from dataclasses import dataclass
from typing import Any, Protocol
from uuid import UUID

ORIGIN_HEX = 16
MAX_NUMBER = 2**53
"""Entry numbers stay exact as Lua (Redis scripts) numbers."""
_CURSOR = re.compile(rf"^v1\.([0-9a-f]{{{ORIGIN_HEX}}})\.(0|[1-9][0-9]{{0,15}})$")


class InvalidCursor(ValueError):
    """A cursor that no feed issued: malformed, or past the end of its feed."""


def new_origin() -> str:
    return secrets.token_hex(ORIGIN_HEX // 2)


@dataclass(frozen=True, slots=True)
class FeedCursor:
    origin: str
    number: int
    """The last entry seen: 0 before the first."""

    def text(self) -> str:
        """The opaque form clients hold."""
        raw = f"v1.{self.origin}.{self.number}".encode()
        return base64.urlsafe_b64encode(raw).decode().rstrip("=")

    @classmethod
    def parse(cls, text: str) -> FeedCursor:
        try:
            raw = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4)).decode("ascii")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            raise InvalidCursor("not a cursor of this chat") from None
        match = _CURSOR.match(raw)
        if match is None or len(text) > 64 or int(match[2]) >= MAX_NUMBER:
            raise InvalidCursor("not a cursor of this chat")
        return cls(match[1], int(match[2]))


class ChatEntryKind(enum.StrEnum):
    MESSAGE = "message"
    """The user sent a message (from any device)."""
    STARTED = "started"
    """A worker started the reply (again, if it took over an abandoned attempt: the text restarts)."""
    DELTA = "delta"
    RESET = "reset"
    """The text so far is void: the next model of the fallback chain starts again."""
    COMPLETED = "completed"
    FAILED = "failed"
    GAP = "gap"
    """Entries after the client's cursor are not held: trimmed, expired, or never taken (a store that was
    unreachable for an append has the appender write a gap next)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class ChatEntry:
    kind: ChatEntryKind
    message_id: UUID | None = None
    """The user's message (the one a reply answers)."""
    reply_id: UUID | None = None
    seq: int = 0
    """A delta's number within its reply, from 1 (again after a reset or a restart); 0 otherwise."""
    text: str = ""
    """A delta's text; the cause of a failure; empty otherwise."""
    provider: str = ""
    """Who answers (started, reset, completed)."""
    position: int = 0
    """message and completed: the global log position of the event, to wait for in the read model."""

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind.value,
            "message_id": None if self.message_id is None else str(self.message_id),
            "reply_id": None if self.reply_id is None else str(self.reply_id),
            "seq": self.seq,
            "text": self.text,
            "provider": self.provider,
            "position": self.position,
        }

    @classmethod
    def from_json(cls, data: Any) -> ChatEntry | None:
        """The entry, or None for anything that is not one (a follower skips it)."""
        try:
            message_id, reply_id = data["message_id"], data["reply_id"]
            return cls(
                kind=ChatEntryKind(data["kind"]),
                message_id=None if message_id is None else UUID(message_id),
                reply_id=None if reply_id is None else UUID(reply_id),
                seq=int(data["seq"]),
                text=str(data["text"]),
                provider=str(data["provider"]),
                position=int(data["position"]),
            )
        except (KeyError, TypeError, ValueError):
            return None


GAP = ChatEntry(kind=ChatEntryKind.GAP)


@dataclass(frozen=True, slots=True)
class FeedItem:
    cursor: FeedCursor
    entry: ChatEntry


class ChatFeed(Protocol):
    async def append(self, session_id: UUID, entry: ChatEntry) -> FeedCursor | None:
        """Add the entry at the end of the session's feed and deliver it to its followers everywhere; its
        cursor. An entry equal to the feed's last one is not added again (a retry): its cursor. None when
        the feed's store is unreachable (never raises for that): the entry is lost, the log still has
        every message and completed reply, and the next append to the session writes a `gap` first, so
        followers are told."""
        ...

    async def head(self, session_id: UUID) -> FeedCursor:
        """The cursor of the session's last entry now (following after it delivers what comes next).
        Raises plan_reads.ReadModelUnavailable when the feed's store does not answer."""
        ...

    def follow(
        self, session_id: UUID, after: FeedCursor | None
    ) -> AbstractAsyncContextManager[AsyncIterator[FeedItem]]:
        """The entries after `after` (None: after the head as the block starts), then every later one as it
        is appended, until the block ends or the feed closes. A `gap` item comes first if entries after
        `after` are no longer held. Raises InvalidCursor on entering for a cursor past the feed's end."""
        ...

    async def forget(self, session_id: UUID) -> None:
        """Delete the session's feed and every entry it holds (its user was forgotten). Followers find an
        empty feed. Raises plan_reads.ReadModelUnavailable when the feed's store does not answer."""
        ...

    async def close(self) -> None: ...
