"""A session as the coach worker reads it: from its stream in the log (never from the read models, which
lag), the folded state and version a claim is decided on, the message to answer and the conversation
before it."""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID

from application.coaching.model import Speaker, Turn
from application.eventstore import EventStore, RecordedEvent
from domain.coaching import CoachingSession, coaching_stream, decode, fold
from domain.coaching.events import CoachingEvent, CoachReplyCompleted, UserMessageSent

HISTORY_TOKENS = 2000
"""The conversation before the message, trimmed (oldest exchanges first) to about this many tokens."""
CHARACTERS_PER_TOKEN = 4


@dataclass(frozen=True, slots=True)
class Conversation:
    state: CoachingSession
    version: int
    """The session stream's version the state was folded from: a claim's expected version."""
    message_id: UUID | None
    """The oldest message waiting for a reply; None when none waits."""
    message: str = field(repr=False)
    history: tuple[Turn, ...] = field(repr=False)
    """The answered exchanges before the message, oldest first, trimmed to `HISTORY_TOKENS`."""
    cause: RecordedEvent | None = field(default=None, repr=False)
    """The `UserMessageSent` record of the message: the reply's commands are caused by it and share its
    correlation id."""


async def read_conversation(store: EventStore, session_id: UUID) -> Conversation | None:
    """The session as the log holds it now; None when there is no such session."""
    recorded = await store.read_stream(coaching_stream(session_id))
    events = [decode(record.type, record.schema_version, record.data) for record in recorded]
    state = fold(events)
    if state is None:
        return None
    message_id = state.waiting[0].message_id if state.waiting else None
    texts = {event.message_id: event.text for event in events if isinstance(event, UserMessageSent)}
    records = {
        event.message_id: record
        for record, event in zip(recorded, events, strict=True)
        if isinstance(event, UserMessageSent)
    }
    return Conversation(
        state=state,
        version=recorded[-1].stream_version,
        message_id=message_id,
        message="" if message_id is None else texts[message_id],
        history=_history(events, message_id),
        cause=None if message_id is None else records[message_id],
    )


def _history(events: list[CoachingEvent], before: UUID | None) -> tuple[Turn, ...]:
    asked: dict[UUID, str] = {}
    exchanges: list[tuple[Turn, Turn]] = []
    for event in events:
        if isinstance(event, UserMessageSent):
            if event.message_id == before:
                break
            asked[event.message_id] = event.text
        elif isinstance(event, CoachReplyCompleted) and event.message_id in asked:
            exchanges.append((Turn(Speaker.USER, asked[event.message_id]), Turn(Speaker.COACH, event.text)))
    kept: list[tuple[Turn, Turn]] = []
    budget = HISTORY_TOKENS * CHARACTERS_PER_TOKEN
    for question, answer in reversed(exchanges):
        budget -= len(question.text) + len(answer.text)
        if budget < 0:
            break
        kept.append((question, answer))
    return tuple(turn for exchange in reversed(kept) for turn in exchange)
