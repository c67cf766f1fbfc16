"""`coachReply(sessionId)`: a session's replies as they are written, pushed to every device watching it.

The coach worker publishes each reply's signals on `coach-reply:{sessionId}` (`application.coaching.
reply_stream`): started, the text deltas with their sequence numbers, a reset when a fallback starts
over, then completed (with the log position of `CoachReplyCompleted`: the final `CoachMessage` is read
from the read model once the projection has reached it) or failed. Delivery is best effort: a client
that sees a gap in `seq` waits for the completed message, which carries the whole text. The viewer is
checked again before every push (sign-out, role change, expiry), as `workoutPlanChanged` does.
"""

from __future__ import annotations

import enum
from collections.abc import AsyncGenerator

import strawberry

from application.coaching.reply_stream import ReplyMessage, ReplySignal, reply_channel
from schema.coaching.types import CoachMessage
from schema.context import Info
from schema.errors import NotFound
from schema.ids import global_id, parse_global_id
from schema.plans.subscriptions import live_viewer
from schema.queries import may_see


@strawberry.enum
class CoachReplySignal(enum.Enum):
    STARTED = "started"
    DELTA = "delta"
    RESET = "reset"
    COMPLETED = "completed"
    FAILED = "failed"


@strawberry.type(description="One step of a reply being written.")
class CoachReplyEvent:
    signal: CoachReplySignal
    reply_id: strawberry.ID = strawberry.field(description="The reply's CoachMessage id.")
    message_id: strawberry.ID = strawberry.field(description="The user message it answers.")
    seq: int = strawberry.field(description="A DELTA's number within the reply, from 1 (again after RESET).")
    text: str = strawberry.field(description="A DELTA's text, or the cause of a failure.")
    provider: str = strawberry.field(description="Who is answering (on STARTED and RESET).")
    message: CoachMessage | None = strawberry.field(description="On COMPLETED: the reply as recorded.")


COACH_REPLY = (
    "The session's replies as they are written: STARTED, DELTAs in `seq` order (RESET voids the text so "
    "far), then COMPLETED with the recorded message, or FAILED. Best effort: after a gap in `seq`, wait "
    "for COMPLETED, which carries the whole text."
)


@strawberry.type
class CoachingSubscription:
    @strawberry.subscription(description=COACH_REPLY)
    async def coach_reply(self, info: Info, session_id: strawberry.ID) -> AsyncGenerator[CoachReplyEvent]:
        viewer = info.context.require_viewer()
        _, raw = parse_global_id(session_id, expect="CoachingSession", field="sessionId")
        services = info.context.services
        owner = await services.coaching.owner_of(raw)  # a session's owner never changes
        if owner is None or not may_see(viewer, owner):
            raise NotFound("no coaching session with that id")
        async with services.pubsub.subscribe(reply_channel(raw)) as messages:
            async for raw_message in messages:
                message = ReplyMessage.from_json(raw_message)
                if message is None:
                    continue
                if not may_see(await live_viewer(info), owner):
                    raise NotFound("no coaching session with that id")
                info.context.fresh_loaders()
                yield await _event(info, message)


async def _event(info: Info, message: ReplyMessage) -> CoachReplyEvent:
    final = None
    if message.signal is ReplySignal.COMPLETED:
        view = await info.context.services.coaching_reads.message_at(message.reply_id, message.position)
        final = None if view is None else CoachMessage.of(view)
    return CoachReplyEvent(
        signal=CoachReplySignal(message.signal.value),
        reply_id=strawberry.ID(global_id("CoachMessage", message.reply_id)),
        message_id=strawberry.ID(global_id("CoachMessage", message.message_id)),
        seq=message.seq,
        text=message.text,
        provider=message.provider,
        message=final,
    )
