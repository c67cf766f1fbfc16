"""Live coach replies: the channel a reply is streamed on while it is generated, and its messages.

Token deltas are not events (the completed reply is): the worker publishes them on
`coach-reply:{sessionId}` through the `PubSub` port, best effort. Each delta carries its sequence number
within the reply, so a subscriber that sees a gap knows it missed text and waits for the final reply,
which it reads from the log's read model once `completed` arrives. A `reset` says the text streamed so
far is void (the model failed midway and the next one of the fallback chain starts again).
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from typing import Any
from uuid import UUID


class ReplySignal(enum.StrEnum):
    STARTED = "started"
    DELTA = "delta"
    RESET = "reset"
    COMPLETED = "completed"
    FAILED = "failed"


def reply_channel(session_id: UUID) -> str:
    return f"coach-reply:{session_id}"


@dataclass(frozen=True, slots=True, kw_only=True)
class ReplyMessage:
    signal: ReplySignal
    reply_id: UUID
    message_id: UUID
    seq: int = 0
    """The delta's number within the reply (from 1; restarts at 1 after a reset); 0 for other signals."""
    text: str = ""
    """The delta's text; the cause of a failure; empty otherwise."""
    provider: str = ""
    """Who is answering (on started and reset)."""
    position: int = 0
    """On completed: the global position of `CoachReplyCompleted`, to wait for in the read model."""

    def to_json(self) -> dict[str, Any]:
        return {
            "signal": self.signal.value,
            "reply_id": str(self.reply_id),
            "message_id": str(self.message_id),
            "seq": self.seq,
            "text": self.text,
            "provider": self.provider,
            "position": self.position,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ReplyMessage | None:
        """The message, or None for anything that is not one (a subscriber skips it)."""
        try:
            return cls(
                signal=ReplySignal(data["signal"]),
                reply_id=UUID(data["reply_id"]),
                message_id=UUID(data["message_id"]),
                seq=int(data["seq"]),
                text=str(data["text"]),
                provider=str(data["provider"]),
                position=int(data["position"]),
            )
        except (KeyError, TypeError, ValueError):
            return None
