"""`ReplyStream`: a Messages API reply put together from the SDK's raw stream events, as they come.

The SDK's `messages.stream()` helper rebuilds a whole-message snapshot and builds a text event of its own
for every token; the coach needs less: the text as it streams, the tool calls' inputs, who answered, the
usage and whether the reply reached its end. Reading the raw events (`messages.create(stream=True)`)
costs the server about a tenth less CPU per streamed token (`bench/coach.py`, issue 12).

Usage counts on `message_delta` are cumulative totals: they replace those of `message_start`, except the
ones a delta leaves out. A tool call's input streams as pieces of JSON, parsed once its block is done
(input that is not JSON is kept as None, which no tool schema accepts).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from anthropic.types import (
    InputJSONDelta,
    RawContentBlockDeltaEvent,
    RawContentBlockStartEvent,
    RawMessageDeltaEvent,
    RawMessageStartEvent,
    RawMessageStopEvent,
    RawMessageStreamEvent,
    TextDelta,
    ToolUseBlock,
)


@dataclass(slots=True)
class ToolCall:
    name: str
    pieces: list[str] = field(default_factory=list)

    @property
    def input(self) -> Any:
        """The parsed input; None when it is not JSON. An empty input is an empty object."""
        text = "".join(self.pieces)
        if not text:
            return {}
        try:
            return json.loads(text)
        except ValueError:
            return None


@dataclass(slots=True)
class ReplyStream:
    model: str = ""
    texts: list[str] = field(default_factory=list)
    tool_calls: dict[int, ToolCall] = field(default_factory=dict)
    """By content block index."""
    stop_reason: str | None = None
    stopped: bool = False
    """`message_stop` came: the reply is whole."""
    input_tokens: int = 0
    cache_creation_input_tokens: int = 0
    cache_read_input_tokens: int = 0
    output_tokens: int = 0

    def take(self, event: RawMessageStreamEvent) -> str | None:
        """Take in one event; the text it adds to the reply, if any."""
        if isinstance(event, RawContentBlockDeltaEvent):
            delta = event.delta
            if isinstance(delta, TextDelta):
                self.texts.append(delta.text)
                return delta.text
            if isinstance(delta, InputJSONDelta) and event.index in self.tool_calls:
                self.tool_calls[event.index].pieces.append(delta.partial_json)
        elif isinstance(event, RawContentBlockStartEvent):
            block = event.content_block
            if isinstance(block, ToolUseBlock):
                self.tool_calls[event.index] = ToolCall(block.name)
        elif isinstance(event, RawMessageStartEvent):
            message = event.message
            self.model = message.model
            self.input_tokens = message.usage.input_tokens
            self.cache_creation_input_tokens = message.usage.cache_creation_input_tokens or 0
            self.cache_read_input_tokens = message.usage.cache_read_input_tokens or 0
            self.output_tokens = message.usage.output_tokens
        elif isinstance(event, RawMessageDeltaEvent):
            self.stop_reason = event.delta.stop_reason
            usage = event.usage
            self.output_tokens = usage.output_tokens
            if usage.input_tokens is not None:
                self.input_tokens = usage.input_tokens
            if usage.cache_creation_input_tokens is not None:
                self.cache_creation_input_tokens = usage.cache_creation_input_tokens
            if usage.cache_read_input_tokens is not None:
                self.cache_read_input_tokens = usage.cache_read_input_tokens
        elif isinstance(event, RawMessageStopEvent):
            self.stopped = True
        return None

    @property
    def text(self) -> str:
        return "".join(self.texts)

    @property
    def all_input_tokens(self) -> int:
        """Everything read, cached or not: what the daily budget counts."""
        return self.input_tokens + self.cache_creation_input_tokens + self.cache_read_input_tokens
