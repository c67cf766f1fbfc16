"""Reading the coach's conversations for the API: the `CoachingReadModel`, plus a bounded wait for the
`coaching` projection to reach a position (a completed reply is read once the projection has it), and
where a session's chat feed stands for a client about to follow it."""

from __future__ import annotations

from datetime import date
from uuid import UUID

from application.coaching.chat_feed import ChatFeed, FeedCursor
from application.coaching.views import (
    COACHING_PROJECTION,
    CoachingMessageView,
    CoachingReadModel,
    CoachingSessionView,
    CoachUsageView,
    MessagePage,
    SessionCursor,
    SessionPage,
)
from application.eventstore import EventStore
from application.plan_reads import Checkpoints


class CoachingReads:
    def __init__(
        self, read_model: CoachingReadModel, checkpoints: Checkpoints, feed: ChatFeed, log: EventStore
    ) -> None:
        self._read_model = read_model
        self._checkpoints = checkpoints
        self._feed = feed
        self._log = log

    async def sessions_of(
        self, user_id: UUID, *, limit: int, after: SessionCursor | None = None
    ) -> SessionPage:
        return await self._read_model.sessions_of(user_id, limit=limit, after=after)

    async def session(self, session_id: UUID) -> CoachingSessionView | None:
        return await self._read_model.session(session_id)

    async def messages(self, session_id: UUID, *, limit: int, after: int | None = None) -> MessagePage:
        return await self._read_model.messages(session_id, limit=limit, after=after)

    async def message(self, message_id: UUID) -> CoachingMessageView | None:
        return await self._read_model.message(message_id)

    async def usage(self, user_id: UUID, day: date) -> CoachUsageView:
        return await self._read_model.usage(user_id, day)

    async def message_at(
        self, message_id: UUID, position: int, *, wait: float = 5.0
    ) -> CoachingMessageView | None:
        """The message once the read model holds the event at `position` (after at most `wait` seconds,
        whatever it holds then)."""
        await self._checkpoints.wait_for(COACHING_PROJECTION, position, timeout=wait)
        return await self._read_model.message(message_id)

    async def chat_cursor(self, session_id: UUID, *, wait: float = 5.0) -> FeedCursor:
        """The session's chat feed's head, returned once the read model holds every event the log held
        when it was taken (after at most `wait` seconds): messages read after this show everything up to
        the cursor, and following after it shows everything since."""
        cursor = await self._feed.head(session_id)
        await self._checkpoints.wait_for(
            COACHING_PROJECTION, await self._log.current_position(), timeout=wait
        )
        return cursor
