"""What the coach benchmark's clients measure in the frames they receive.

The provider stamps every token with the time it emitted it (`t<seconds> `) and the first token of a reply
also with the time the request reached it (`r<seconds> `). A client receiving a frame at `now` counts, for
every token in it, the delay `now - emitted`; on a reply's first frame it also knows how long the server
took before the model was asked and after the model answered, which is the time to first token the server
added: `(first frame received - message sent) - (first token emitted - request arrived)`.
"""

from __future__ import annotations

import re
import statistics
import time
from collections import Counter
from dataclasses import dataclass, field

_EMITTED = re.compile(r"t(\d+\.\d+) ")
_ARRIVED = re.compile(r"r(\d+\.\d+) ")


@dataclass
class ReplyWatch:
    """One streaming reply as a subscriber sees it."""

    sent_at: float | None = None
    """When the client sent the message (None for the baseline, which has no request)."""
    first_frame_at: float | None = None
    added_ttft: float | None = None
    tokens: int = 0
    completed: bool = False
    events: Counter[str] = field(default_factory=Counter)
    """How many of each kind of event without tokens came (STARTED, RESET, COMPLETED, ...)."""
    partial: str = ""
    """The start of a token the last frame cut (a frame holds at most 500 characters): the next frame
    completes it, and the token is counted then."""

    def whole_tokens(self, text: str) -> str:
        """`text` after the partial token before it, up to its last whole token; the rest is kept."""
        text = self.partial + text
        end = text.rfind(" ") + 1
        self.partial = text[end:]
        return text[:end]


@dataclass
class FrameStats:
    frames: int = 0
    token_delays: list[float] = field(default_factory=list)
    added_ttfts: list[float] = field(default_factory=list)

    def delta(self, reply: ReplyWatch, text: str, received_at: float | None = None) -> None:
        now = time.time() if received_at is None else received_at
        self.frames += 1
        text = reply.whole_tokens(text)
        emitted = [float(stamp) for stamp in _EMITTED.findall(text)]
        self.token_delays.extend(now - stamp for stamp in emitted)
        reply.tokens += len(emitted)
        if reply.first_frame_at is None:
            reply.first_frame_at = now
            arrived = _ARRIVED.search(text)
            if arrived is not None and emitted and reply.sent_at is not None:
                model_ttft = emitted[0] - float(arrived.group(1))
                reply.added_ttft = (now - reply.sent_at) - model_ttft
                self.added_ttfts.append(reply.added_ttft)

    def other(self) -> None:
        """A frame without tokens (started, completed, a user's message)."""
        self.frames += 1


def percentile(values: list[float], share: float) -> float:
    """The `share` (0..1) percentile in milliseconds; 0 for no values."""
    if not values:
        return 0.0
    if len(values) == 1:
        return values[0] * 1000
    return statistics.quantiles(values, n=1000, method="inclusive")[round(share * 1000) - 1] * 1000
