"""`ReplyStream`: a reply put together from the Messages API's raw stream events: its text as it streams,
tool inputs parsed once their pieces are in (None when they are not JSON), cumulative usage from
`message_delta` replacing `message_start`'s except what the delta leaves out, and whole only once
`message_stop` came."""

from __future__ import annotations

from typing import Any

from anthropic.types import RawMessageStreamEvent
from pydantic import TypeAdapter

from adapters.anthropic.reply_stream import ReplyStream

EVENT: TypeAdapter[RawMessageStreamEvent] = TypeAdapter(RawMessageStreamEvent)


def event(data: dict[str, Any]) -> RawMessageStreamEvent:
    return EVENT.validate_python(data)


START = {
    "type": "message_start",
    "message": {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude-test",
        "content": [],
        "stop_reason": None,
        "stop_sequence": None,
        "usage": {
            "input_tokens": 40,
            "output_tokens": 1,
            "cache_creation_input_tokens": 7,
            "cache_read_input_tokens": 300,
        },
    },
}


def text_delta(index: int, text: str) -> dict[str, Any]:
    return {"type": "content_block_delta", "index": index, "delta": {"type": "text_delta", "text": text}}


def json_delta(index: int, piece: str) -> dict[str, Any]:
    delta = {"type": "input_json_delta", "partial_json": piece}
    return {"type": "content_block_delta", "index": index, "delta": delta}


def tool_start(index: int, name: str) -> dict[str, Any]:
    block = {"type": "tool_use", "id": f"toolu_{index}", "name": name, "input": {}}
    return {"type": "content_block_start", "index": index, "content_block": block}


def message_delta(**usage: int) -> dict[str, Any]:
    delta = {"stop_reason": "tool_use", "stop_sequence": None}
    return {"type": "message_delta", "delta": delta, "usage": {"output_tokens": 25, **usage}}


def test_text_streams_as_it_comes_and_tool_inputs_are_parsed_from_their_pieces() -> None:
    reply = ReplyStream()
    streamed = [
        reply.take(event(data))
        for data in (
            START,
            {"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}},
            text_delta(0, "Here is "),
            text_delta(0, "a leg day."),
            {"type": "content_block_stop", "index": 0},
            tool_start(1, "propose_plan_changes"),
            json_delta(1, '{"changes": [], '),
            json_delta(1, '"confidence": 0.8}'),
            {"type": "content_block_stop", "index": 1},
            tool_start(2, "propose_plan_changes"),
            json_delta(2, '{"changes": ['),
            tool_start(3, "other_tool"),
            message_delta(),
        )
    ]
    assert [text for text in streamed if text] == ["Here is ", "a leg day."]
    assert reply.text == "Here is a leg day."
    assert reply.model == "claude-test"
    assert [(call.name, call.input) for call in reply.tool_calls.values()] == [
        ("propose_plan_changes", {"changes": [], "confidence": 0.8}),
        ("propose_plan_changes", None),  # not JSON
        ("other_tool", {}),  # no input pieces: an empty object
    ]
    assert (reply.stop_reason, reply.stopped) == ("tool_use", False)
    reply.take(event({"type": "message_stop"}))
    assert reply.stopped


def test_usage_of_message_delta_replaces_message_start_except_what_it_leaves_out() -> None:
    reply = ReplyStream()
    reply.take(event(START))
    assert (reply.all_input_tokens, reply.output_tokens) == (347, 1)
    reply.take(event(message_delta()))
    assert (reply.input_tokens, reply.cache_read_input_tokens, reply.output_tokens) == (40, 300, 25)
    reply.take(event(message_delta(input_tokens=50, cache_read_input_tokens=0)))
    assert (reply.input_tokens, reply.cache_creation_input_tokens, reply.cache_read_input_tokens) == (
        50,
        7,
        0,
    )
    assert reply.all_input_tokens == 57
