"""`coachChat(sessionId, after)`: every event of a chat as it happens, each with a cursor to resume after.

The events come from the session's `ChatFeed` (application.coaching.chat_feed): messages sent from any
device, and each reply as the coach worker writes it (started, text frames, reset, completed with the
`CoachMessage` read from the read model once the `coaching` projection has reached it, or failed).
Passing the last cursor seen as `after` resumes with nothing lost and nothing repeated, on any replica;
when the feed no longer holds what followed that cursor, a GAP event says so first. The viewer is checked
again before every push (sign-out, role change, expiry), as `workoutPlanChanged` does.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator
from uuid import UUID

import strawberry

from application.coaching.chat_feed import ChatEntry, ChatEntryKind, FeedCursor, FeedItem, InvalidCursor
from schema.coaching.types import CoachMessage
from schema.context import Info
from schema.errors import BadUserInput, NotFound
from schema.ids import global_id, parse_global_id
from schema.plans.subscriptions import live_viewer
from schema.queries import may_see

strawberry.enum(ChatEntryKind, name="CoachChatEventKind", description="What happened in the chat.")

KIND_DESCRIPTIONS = {
    "MESSAGE": "The user sent `message` (from this device or another one).",
    "STARTED": "The coach started the reply `replyId` to `messageId` (`provider` answers). Again for the "
    "same message: the earlier attempt was abandoned, its text is void.",
    "DELTA": "The next piece of the reply's text, `seq` from 1; pieces are frames of at most 50 ms.",
    "RESET": "The reply's text so far is void: `provider` starts again (seq restarts at 1).",
    "COMPLETED": "The reply is done: `message` is the reply as recorded (its text is the whole text).",
    "FAILED": "No model could answer: `text` is the cause.",
    "GAP": "Events after your cursor are no longer kept: read the session's `messages` again; the events "
    "that follow this one are complete.",
}


@strawberry.type(description="One event of a coaching chat.")
class CoachChatEvent:
    cursor: str = strawberry.field(description="Pass it as `after` to resume right after this event.")
    kind: ChatEntryKind = strawberry.field(
        description=" ".join(f"{kind}: {text}" for kind, text in KIND_DESCRIPTIONS.items())
    )
    message_id: strawberry.ID | None = strawberry.field(
        description="The user's message: the one sent (MESSAGE) or the one answered."
    )
    reply_id: strawberry.ID | None = strawberry.field(description="The reply's CoachMessage id.")
    seq: int = strawberry.field(description="A DELTA's number within its reply, from 1; 0 otherwise.")
    text: str = strawberry.field(description="A DELTA's text, or a failure's cause; empty otherwise.")
    provider: str = strawberry.field(description="Who answers (STARTED, RESET, COMPLETED); empty otherwise.")
    message: CoachMessage | None = strawberry.field(
        description="MESSAGE: the user's message; COMPLETED: the reply, as recorded."
    )


COACH_CHAT = (
    "Every event of the chat as it happens, each with a `cursor`. Without `after`: the events from now on; "
    "with the last cursor you saw: every event after it, once, then the live ones (on any replica, also "
    "after the server that wrote them restarted). A reply is STARTED, DELTAs in `seq` order (RESET voids "
    "the text so far), then COMPLETED or FAILED. A GAP event means what followed your cursor is no longer "
    "kept: read the session's `messages` again. To miss nothing on opening a chat, take the session's "
    "`chatCursor`, then read its `messages` in a later request and follow after that cursor (an event "
    "the messages already show may come again: match them by id)."
)


@strawberry.type
class CoachingSubscription:
    @strawberry.subscription(description=COACH_CHAT)
    async def coach_chat(
        self, info: Info, session_id: strawberry.ID, after: str | None = None
    ) -> AsyncGenerator[CoachChatEvent]:
        viewer = info.context.require_viewer()
        _, raw = parse_global_id(session_id, expect="CoachingSession", field="sessionId")
        cursor = _cursor(after)
        services = info.context.services
        owner = await services.coaching.owner_of(raw)  # a session's owner never changes
        if owner is None or not may_see(viewer, owner):
            raise NotFound("no coaching session with that id")
        try:
            async with services.chat_feed.follow(raw, cursor) as items:
                async for item in items:
                    if not may_see(await live_viewer(info), owner):
                        raise NotFound("no coaching session with that id")
                    yield await _event(info, item)
        except InvalidCursor as error:  # a cursor past the end of the chat's events, found on entering
            raise BadUserInput(f"after: {error}", field="after") from None


def _cursor(after: str | None) -> FeedCursor | None:
    if after is None:
        return None
    try:
        return FeedCursor.parse(after)
    except InvalidCursor as error:
        raise BadUserInput(f"after: {error}", field="after") from None


async def _event(info: Info, item: FeedItem) -> CoachChatEvent:
    entry = item.entry
    return CoachChatEvent(
        cursor=item.cursor.text(),
        kind=entry.kind,
        message_id=_id(entry.message_id),
        reply_id=_id(entry.reply_id),
        seq=entry.seq,
        text=entry.text,
        provider=entry.provider,
        message=await _message(info, entry),
    )


async def _message(info: Info, entry: ChatEntry) -> CoachMessage | None:
    shown = {ChatEntryKind.MESSAGE: entry.message_id, ChatEntryKind.COMPLETED: entry.reply_id}.get(entry.kind)
    if shown is None:
        return None
    info.context.fresh_loaders()  # nothing this push shows is older than the event (text frames load nothing)
    view = await info.context.services.coaching_reads.message_at(shown, entry.position)
    return None if view is None else CoachMessage.of(view)


def _id(raw: UUID | None) -> strawberry.ID | None:
    return None if raw is None else strawberry.ID(global_id("CoachMessage", raw))
