"""Publishing one reply's live messages (`application.coaching.reply_stream`) on its session's channel:
`started`, the text as numbered `delta`s, `reset` when a model failed midway (numbering restarts at 1),
then `completed` with the position to wait for, or `failed`. Best effort, like every `PubSub` message:
the completed reply is in the log whatever a subscriber missed."""

from __future__ import annotations

from uuid import UUID

from application.coaching.reply_stream import ReplyMessage, ReplySignal, reply_channel
from application.pubsub import PubSub

MAX_DELTA = 500
"""Characters per delta when a whole text is published at once (a safety reply, a cached answer)."""


class ReplyPublisher:
    def __init__(self, pubsub: PubSub, session_id: UUID, reply_id: UUID, message_id: UUID) -> None:
        self._pubsub = pubsub
        self._channel = reply_channel(session_id)
        self._reply_id = reply_id
        self._message_id = message_id
        self._seq = 0

    async def started(self, provider: str) -> None:
        await self._publish(ReplySignal.STARTED, provider=provider)

    async def delta(self, text: str) -> None:
        if not text:
            return
        self._seq += 1
        await self._publish(ReplySignal.DELTA, seq=self._seq, text=text)

    async def whole(self, text: str) -> None:
        for start in range(0, len(text), MAX_DELTA):
            await self.delta(text[start : start + MAX_DELTA])

    async def reset(self, provider: str) -> None:
        self._seq = 0
        await self._publish(ReplySignal.RESET, provider=provider)

    async def completed(self, provider: str, position: int) -> None:
        await self._publish(ReplySignal.COMPLETED, provider=provider, position=position)

    async def failed(self, cause: str) -> None:
        await self._publish(ReplySignal.FAILED, text=cause)

    async def _publish(
        self, signal: ReplySignal, *, seq: int = 0, text: str = "", provider: str = "", position: int = 0
    ) -> None:
        message = ReplyMessage(
            signal=signal,
            reply_id=self._reply_id,
            message_id=self._message_id,
            seq=seq,
            text=text,
            provider=provider,
            position=position,
        )
        await self._pubsub.publish(self._channel, message.to_json())
