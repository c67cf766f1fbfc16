"""Writing one reply into its session's `ChatFeed` as the worker generates it: `started`, the text as
numbered `delta` frames, `reset` when a model failed midway (numbering restarts at 1), then `completed`
with the position to wait for in the read model, or `failed`.

Text is coalesced, and the first text is not held back: text that comes when no frame was written
in the last `frame_seconds` (50 ms), as the first text of a reply does, is written at once (what the
user waits for before seeing anything is the model, not us); text that comes sooner waits for the
frame, which collects what the model streams until `frame_seconds` after the previous one, or
`max_frame` characters, whichever comes first. So a fast model costs a follower one push per frame, not
one per token. Whatever is pending is written before a reset, a completion or a failure, and appends are
made one at a time, so the feed's order is the order of the calls. A completion or failure the feed could
not take (its store unreachable) is tried again a few times: followers wait for it.
"""

from __future__ import annotations

import asyncio
import contextlib
import math
import time
from uuid import UUID

from application.coaching.chat_feed import ChatEntry, ChatEntryKind, ChatFeed

FRAME_SECONDS = 0.05
END_RETRY_SECONDS = (0.2, 0.5, 1.0, 2.0, 5.0)
"""The pauses between attempts to write a completion or failure the feed did not take."""
MAX_FRAME = 500
"""Characters per delta frame (also how a whole text written at once is cut: a safety reply, a cached
answer)."""


class ReplyPublisher:
    def __init__(
        self,
        feed: ChatFeed,
        session_id: UUID,
        reply_id: UUID,
        message_id: UUID,
        *,
        frame_seconds: float = FRAME_SECONDS,
        max_frame: int = MAX_FRAME,
    ) -> None:
        self._feed = feed
        self._session_id = session_id
        self._reply_id = reply_id
        self._message_id = message_id
        self._frame_seconds = frame_seconds
        self._max_frame = max_frame
        self._seq = 0
        self._pending: list[str] = []
        self._pending_chars = 0
        self._timer: asyncio.Task[None] | None = None
        self._written_at = -math.inf
        """When the last delta frame was written (monotonic); -inf: none since the reply (re)started."""
        self._writing = asyncio.Lock()

    async def started(self, provider: str) -> None:
        await self._write(ChatEntryKind.STARTED, provider=provider)

    async def delta(self, text: str) -> None:
        while text:
            room = self._max_frame - self._pending_chars
            self._pending.append(text[:room])
            self._pending_chars += len(text[:room])
            text = text[room:]
            if self._pending_chars >= self._max_frame:
                await self.flush()
        if not self._pending or self._timer is not None:
            return
        wait = self._written_at + self._frame_seconds - time.monotonic()
        if wait <= 0:
            await self.flush()
        else:
            self._timer = asyncio.create_task(self._flush_soon(wait), name="coach reply frame")

    async def whole(self, text: str) -> None:
        await self.delta(text)
        await self.flush()

    async def reset(self, provider: str) -> None:
        await self.flush()
        self._seq = 0
        self._written_at = -math.inf
        await self._write(ChatEntryKind.RESET, provider=provider)

    async def completed(self, provider: str, position: int) -> None:
        await self._end()
        await self._write(ChatEntryKind.COMPLETED, provider=provider, position=position, retries=True)

    async def failed(self, cause: str) -> None:
        await self._end()
        await self._write(ChatEntryKind.FAILED, text=cause, retries=True)

    async def flush(self) -> None:
        """Write the pending text as one delta frame now."""
        async with self._writing:
            if not self._pending:
                return
            text = "".join(self._pending)
            self._pending.clear()
            self._pending_chars = 0
            self._seq += 1
            self._written_at = time.monotonic()
            await self._append(ChatEntryKind.DELTA, seq=self._seq, text=text)

    async def _flush_soon(self, wait: float) -> None:
        while True:
            await asyncio.sleep(wait)
            await self.flush()
            wait = self._frame_seconds
            if not self._pending:  # else text came in while that frame was written: it gets the next one
                self._timer = None
                return

    async def _end(self) -> None:
        await self.flush()
        if self._timer is not None:
            self._timer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._timer
            self._timer = None

    async def _write(
        self,
        kind: ChatEntryKind,
        *,
        text: str = "",
        provider: str = "",
        position: int = 0,
        retries: bool = False,
    ) -> None:
        async with self._writing:
            for pause in END_RETRY_SECONDS if retries else ():
                if await self._append(kind, text=text, provider=provider, position=position):
                    return
                await asyncio.sleep(pause)
            await self._append(kind, text=text, provider=provider, position=position)

    async def _append(
        self, kind: ChatEntryKind, *, seq: int = 0, text: str = "", provider: str = "", position: int = 0
    ) -> bool:
        """Whether the feed took it."""
        entry = ChatEntry(
            kind=kind,
            message_id=self._message_id,
            reply_id=self._reply_id,
            seq=seq,
            text=text,
            provider=provider,
            position=position,
        )
        return await self._feed.append(self._session_id, entry) is not None
