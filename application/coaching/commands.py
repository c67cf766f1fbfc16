"""Coaching commands as the API issues them: start a session, send a message, accept or reject a
suggestion, end a session. Each goes through the one command path (`CommandHandler` with `COACHING`).

A message sent is also written into the session's `ChatFeed` (`coachChat` shows it on every device);
a message sent again (the same commandId or clientMessageId) is not written twice.

Only the session's owner acts on it: someone else's session is refused as a missing one
(`CoachingSessionNotFound`), by a guard on the same folded state `decide` sees. Every command counts
against the coach's rate limits (`application.coaching.limits`) before anything is read or written.
Results are built from the write itself (the state decided on plus its events), never from the read
models, which lag.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime
from uuid import UUID, uuid4, uuid5

from application.coaching.chat_feed import ChatEntry, ChatEntryKind, ChatFeed
from application.coaching.limits import CoachLimits
from application.coaching.views import CoachingMessageView, CoachingSessionView, session_view_of
from application.eventstore import EventStore
from application.handler import CommandHandler, CommandMetadata, CommandResult
from application.plan_commands import PlanCommands, Requester
from domain.coaching import CoachingSession, coaching_stream
from domain.coaching import decode as decode_coaching
from domain.coaching.commands import (
    CoachingCommand,
    EndCoachingSession,
    RejectSuggestion,
    SendUserMessage,
    StartCoachingSession,
)
from domain.coaching.errors import CoachingSessionNotFound
from domain.coaching.events import CoachingEvent, CoachingSessionStarted, UserMessageSent
from domain.coaching.values import Personality
from domain.plans.errors import PlanNotFound

CoachingHandler = CommandHandler[CoachingCommand, CoachingSession, CoachingEvent]


@dataclass(frozen=True, slots=True)
class SessionWritten:
    session: CoachingSessionView
    """The session as this write left it."""
    position: int
    """Global position of the write, for read-your-writes on the read models."""
    repeated: bool = field(default=False, compare=False)


@dataclass(frozen=True, slots=True)
class MessageSent:
    message: CoachingMessageView
    """The user's message, waiting for its reply (the coach worker answers it)."""
    reply: CoachingMessageView | None
    """The coach's reply to it, as the write left it: waiting (PENDING) for a new message. None only for a
    message sent before replies had ids at once."""
    session: CoachingSessionView
    repeated: bool = field(default=False, compare=False)
    """True when this message (its commandId or clientMessageId) had been sent before: nothing new."""


class CoachingCommands:
    def __init__(
        self,
        store: EventStore,
        handler: CoachingHandler,
        plans: PlanCommands,
        limits: CoachLimits,
        feed: ChatFeed,
    ) -> None:
        self._store = store
        self._handler = handler
        self._plans = plans
        self._limits = limits
        self._feed = feed

    @property
    def plans(self) -> PlanCommands:
        return self._plans

    async def start(
        self,
        requester: Requester,
        *,
        personality: Personality,
        plan_id: UUID | None,
        command_id: UUID | None,
        at: datetime,
    ) -> SessionWritten:
        """A new session of the requester (about one of their plans, if given). The session id derives from
        the command id, so a retried start answers with the same session. Raises DomainError
        (PlanNotFound for a plan that is not the requester's)."""
        await self._limits.request(requester.user_id)
        command_id = command_id or uuid4()
        if plan_id is not None and await self._plans.owner_of(plan_id) != requester.user_id:
            raise PlanNotFound(plan_id)
        command = StartCoachingSession(
            session_id=uuid5(command_id, "coaching-session"),
            user_id=requester.user_id,
            personality=personality,
            plan_id=plan_id,
            at=at,
        )

        def guard(state: CoachingSession | None) -> None:
            if state is not None and state.user_id != requester.user_id:
                raise CoachingSessionNotFound(command.session_id)  # someone else's command id

        result = await self._handle(requester, command, command_id, guard)
        return SessionWritten(session_view(result), result.position, result.repeated)

    async def send(
        self,
        requester: Requester,
        session_id: UUID,
        text: str,
        *,
        client_message_id: str | None,
        command_id: UUID | None,
        at: datetime,
    ) -> MessageSent:
        """The user's message, appended for the coach worker to answer. Sent again with the same
        `command_id` or `client_message_id`, it answers with the first message and appends nothing."""
        await self._limits.request(requester.user_id)
        await self._limits.message(requester.user_id)
        command_id = command_id or uuid4()
        command = SendUserMessage(
            session_id=session_id,
            message_id=uuid5(command_id, "coaching-message"),
            text=text,
            client_message_id=client_message_id,
            at=at,
        )
        result = await self._handle(requester, command, command_id, self._owned_by(requester, session_id))
        session = session_view(result)
        sent = [event for event in result.events if isinstance(event, UserMessageSent)]
        if sent:
            sent_now = _sent(sent[0], result.position, session, repeated=result.repeated)
            if not result.repeated:
                await self._feed.append(session_id, _message_entry(sent_now.message))
            return sent_now
        # An offline client sending its queued message again: the message it sent the first time.
        event, position = await self._message_by_client_id(session, client_message_id)
        return _sent(event, position, session, repeated=True)

    async def reject(
        self,
        requester: Requester,
        session_id: UUID,
        suggestion_id: UUID,
        *,
        reason: str,
        command_id: UUID | None,
        at: datetime,
    ) -> SessionWritten:
        await self._limits.request(requester.user_id)
        command = RejectSuggestion(
            session_id=session_id,
            suggestion_id=suggestion_id,
            reason=reason,
            at=at,
        )
        command_id = command_id or uuid4()
        result = await self._handle(requester, command, command_id, self._owned_by(requester, session_id))
        return SessionWritten(session_view(result), result.position, result.repeated)

    async def end(
        self, requester: Requester, session_id: UUID, *, command_id: UUID | None, at: datetime
    ) -> SessionWritten:
        await self._limits.request(requester.user_id)
        command = EndCoachingSession(session_id=session_id, at=at)
        command_id = command_id or uuid4()
        result = await self._handle(requester, command, command_id, self._owned_by(requester, session_id))
        return SessionWritten(session_view(result), result.position, result.repeated)

    async def owner_of(self, session_id: UUID) -> UUID | None:
        """The session's owner from its first event: fresh, whatever the read models' lag."""
        first = await self._store.read_stream(coaching_stream(session_id), limit=1)
        if not first:
            return None
        started = decode_coaching(first[0].type, first[0].schema_version, first[0].data)
        return started.user_id if isinstance(started, CoachingSessionStarted) else None

    async def handle(
        self,
        requester: Requester,
        command: CoachingCommand,
        command_id: UUID,
        *,
        correlation_id: UUID | None = None,
    ) -> CommandResult[CoachingEvent]:
        """Any coaching command of the requester on their own session (no rate limit: the caller
        charged it)."""
        guard = self._owned_by(requester, command.session_id)
        return await self._handle(requester, command, command_id, guard, correlation_id=correlation_id)

    async def _handle(
        self,
        requester: Requester,
        command: CoachingCommand,
        command_id: UUID,
        guard: Callable[[CoachingSession | None], None],
        *,
        correlation_id: UUID | None = None,
    ) -> CommandResult[CoachingEvent]:
        metadata = CommandMetadata(
            command_id=command_id, correlation_id=correlation_id or command_id, user_id=requester.user_id
        )
        return await self._handler.handle(command, metadata, guard=guard)

    @staticmethod
    def _owned_by(requester: Requester, session_id: UUID) -> Callable[[CoachingSession | None], None]:
        def guard(state: CoachingSession | None) -> None:
            if state is None or state.user_id != requester.user_id:
                raise CoachingSessionNotFound(session_id)

        return guard

    async def _message_by_client_id(
        self, session: CoachingSessionView, client_message_id: str | None
    ) -> tuple[UserMessageSent, int]:
        for record in await self._store.read_stream(coaching_stream(session.id)):
            event = decode_coaching(record.type, record.schema_version, record.data)
            if isinstance(event, UserMessageSent) and event.client_message_id == (
                None if client_message_id is None else client_message_id.strip()
            ):
                return event, record.position
        raise CoachingSessionNotFound(session.id)  # not reached: the decider found the id in this stream


def session_view(result: CommandResult[CoachingEvent]) -> CoachingSessionView:
    state = result.state
    if not isinstance(state, CoachingSession):
        raise TypeError("a coaching command left no session")  # decide refuses before this
    return session_view_of(state, result.stream_version, result.position)


def _message_entry(message: CoachingMessageView) -> ChatEntry:
    return ChatEntry(kind=ChatEntryKind.MESSAGE, message_id=message.id, position=message.position)


def _sent(
    event: UserMessageSent, position: int, session: CoachingSessionView, *, repeated: bool
) -> MessageSent:
    message = _message_view(event, session.user_id, position)
    reply = None
    if event.reply_id is not None:
        reply = replace(message, id=event.reply_id, role="coach", text="", in_reply_to=event.message_id)
    return MessageSent(message, reply, session, repeated)


def _message_view(event: UserMessageSent, user_id: UUID, position: int) -> CoachingMessageView:
    """The message (or, in its `replace`d copy, its reply) as its write left it: waiting."""
    return CoachingMessageView(
        id=event.message_id,
        session_id=event.session_id,
        user_id=user_id,
        role="user",
        text=event.text,
        status="waiting",
        in_reply_to=None,
        provider=None,
        model=None,
        attempt=None,
        suggestions=(),
        safety_action=None,
        safety_notes=(),
        confidence=None,
        input_tokens=None,
        output_tokens=None,
        latency_ms=None,
        failure_cause=None,
        created_at=event.at,
        completed_at=None,
        position=position,
    )
