"""The Claude adapter through the real `anthropic` SDK against a stand-in server on a real socket:
streaming, prompt caching, tool input validated by pydantic, bounded retries honouring retry-after, and a
stream cut midway that is a failure, never a half reply; the personality's temperature, and none for a
model that refuses one."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest

from adapters.anthropic.coach_model import AnthropicCoachModel, anthropic_client
from application.coaching.model import (
    CoachFacts,
    CoachModelError,
    CoachModelFailure,
    CoachPrompt,
    Speaker,
    Turn,
)
from domain.coaching.values import Personality, SuggestionKind
from domain.library.availability import availability_of
from domain.library.values import Level
from tests.coaching.anthropic_server import AnthropicStandIn, Failing, Streamed

PROMPT = CoachPrompt(
    personality=Personality.MOTIVATOR,
    instructions="You are fitcoach.",
    context="Profile: knees fine. Library: Goblet_Squat, Leg_Press.",
    history=(Turn(Speaker.USER, "hi"), Turn(Speaker.COACH, "Hello! How can I help?")),
    message="build me a leg day",
    max_output_tokens=500,
    temperature=0.8,
    facts=CoachFacts(
        level=Level.BEGINNER,
        availability=availability_of([], []),
        plan=None,
        planned=(),
        plan_exercises=(),
        candidates=(),
    ),
)
PROPOSAL = {
    "changes": [
        {
            "kind": "add_exercise",
            "exercise_id": "Goblet_Squat",
            "sets": 3,
            "reps": 10,
            "reason": "easy on the back",
        }
    ],
    "confidence": 0.8,
}


@pytest.fixture
def server() -> Iterator[AnthropicStandIn]:
    stand_in = AnthropicStandIn()
    stand_in.start()
    yield stand_in
    stand_in.stop()


class Recorder:
    def __init__(self) -> None:
        self.pieces: list[str] = []

    async def __call__(self, text: str) -> None:
        self.pieces.append(text)


def model_for(server: AnthropicStandIn, waits: list[float] | None = None) -> AnthropicCoachModel:
    """The adapter as `connect` builds it for production, but with a recorded sleep instead of a real one."""

    async def sleep(seconds: float) -> None:
        if waits is not None:
            waits.append(seconds)

    client = anthropic_client("test-key", base_url=server.url)
    return AnthropicCoachModel(client, "claude-test", max_wait_seconds=10.0, sleep=sleep)


async def test_the_reply_streams_piece_by_piece_and_carries_validated_plan_changes(
    server: AnthropicStandIn,
) -> None:
    server.script.append(Streamed(("Here is ", "a leg day."), tool_input=PROPOSAL))
    recorder = Recorder()
    model = AnthropicCoachModel.connect("test-key", "claude-test", base_url=server.url, timeout_seconds=5)
    answer = await model.answer(PROMPT, recorder)
    await model.close()
    assert recorder.pieces == ["Here is ", "a leg day."]
    assert answer.text == "Here is a leg day."
    assert [(c.kind, c.exercise_id, c.sets) for c in answer.changes] == [
        (SuggestionKind.ADD_EXERCISE, "Goblet_Squat", 3)
    ]
    assert answer.confidence == 0.8
    assert answer.usage.provider == "anthropic"
    assert (answer.usage.input_tokens, answer.usage.output_tokens) == (340, 25)


async def test_instructions_and_context_are_marked_for_prompt_caching_and_the_tool_schema_is_sent(
    server: AnthropicStandIn,
) -> None:
    server.script.append(Streamed(("ok",)))
    await model_for(server).answer(PROMPT, Recorder())
    sent = server.requests[0]
    assert [block["cache_control"] for block in sent["system"]] == [{"type": "ephemeral"}] * 2
    assert [message["role"] for message in sent["messages"]] == ["user", "assistant", "user"]
    assert sent["messages"][-1]["content"] == "build me a leg day"
    schema = sent["tools"][0]["input_schema"]
    assert sent["tools"][0]["name"] == "propose_plan_changes"
    assert "changes" in schema["properties"]
    assert "confidence" in schema["required"]
    assert sent["stream"] is True


async def test_updates_and_reorders_come_through_the_tool_with_what_they_leave_out_as_none(
    server: AnthropicStandIn,
) -> None:
    proposal = {
        "changes": [
            {"kind": "update_exercise", "replaces": "Leg_Press", "sets": 4, "reason": "more volume"},
            {"kind": "reorder_exercises", "order": ["Leg_Press", "Goblet_Squat"]},
        ],
        "confidence": 0.7,
    }
    server.script.append(Streamed(("Two changes.",), tool_input=proposal))
    answer = await model_for(server).answer(PROMPT, Recorder())
    assert answer.notes == ()
    update, reorder = answer.changes
    assert (update.kind, update.replaces, update.sets, update.reps, update.weight_kg) == (
        SuggestionKind.UPDATE_EXERCISE,
        "Leg_Press",
        4,
        None,
        None,
    )
    assert (reorder.kind, reorder.order) == (SuggestionKind.REORDER_EXERCISES, ("Leg_Press", "Goblet_Squat"))
    kinds = server.requests[0]["tools"][0]["input_schema"]["$defs"]["PlanChange"]["properties"]["kind"]
    assert set(kinds["enum"]) == {kind.value for kind in SuggestionKind}


async def test_a_tool_input_outside_the_schema_is_set_aside_with_a_note(server: AnthropicStandIn) -> None:
    bad = {"changes": [{"kind": "add_exercise", "sets": 500}], "confidence": 3}
    too_long = {"changes": [{"kind": "reorder_exercises", "order": ["E"] * 21}], "confidence": 0.5}
    for tool_input in (bad, too_long):
        server.script.append(Streamed(("Try this.",), tool_input=tool_input))
        answer = await model_for(server).answer(PROMPT, Recorder())
        assert answer.changes == ()
        assert answer.notes != ()
        assert answer.text == "Try this."


async def test_429_and_529_are_retried_waiting_what_retry_after_says(server: AnthropicStandIn) -> None:
    server.script.extend(
        [
            Failing(429, (("retry-after", "2"),)),
            Failing(529, (("retry-after-ms", "250"),)),
            Streamed(("fine",)),
        ]
    )
    waits: list[float] = []
    answer = await model_for(server, waits).answer(PROMPT, Recorder())
    assert answer.text == "fine"
    assert waits == [2.0, 0.25]
    assert len(server.requests) == 3


async def test_retries_are_bounded(server: AnthropicStandIn) -> None:
    server.script.extend([Failing(500), Failing(502), Failing(503)])
    waits: list[float] = []
    with pytest.raises(CoachModelError) as raised:
        await model_for(server, waits).answer(PROMPT, Recorder())
    assert raised.value.failure is CoachModelFailure.SERVER_ERROR
    assert len(server.requests) == 3
    assert waits == [0.5, 1.0]


async def test_a_wait_longer_than_the_budget_is_not_waited_for(server: AnthropicStandIn) -> None:
    server.script.append(Failing(429, (("retry-after", "120"),)))
    with pytest.raises(CoachModelError) as raised:
        await model_for(server, []).answer(PROMPT, Recorder())
    assert raised.value.failure is CoachModelFailure.RATE_LIMITED
    assert len(server.requests) == 1


async def test_a_refused_request_is_not_retried(server: AnthropicStandIn) -> None:
    server.script.append(Failing(401))
    with pytest.raises(CoachModelError) as raised:
        await model_for(server, []).answer(PROMPT, Recorder())
    assert raised.value.failure is CoachModelFailure.REFUSED
    assert len(server.requests) == 1


async def test_a_stream_cut_midway_fails_and_is_never_a_half_reply(server: AnthropicStandIn) -> None:
    server.script.append(Streamed(("Here is ", "a leg", " day."), cut_after_texts=2))
    recorder = Recorder()
    with pytest.raises(CoachModelError) as raised:
        await model_for(server, []).answer(PROMPT, recorder)
    assert raised.value.failure is CoachModelFailure.STREAM_CUT
    assert recorder.pieces == ["Here is ", "a leg"]
    assert len(server.requests) == 1  # text was streamed: no retry behind the caller's back


async def test_the_prompts_temperature_is_sent_with_the_request(server: AnthropicStandIn) -> None:
    server.script.extend([Streamed(("warm",)), Streamed(("precise",))])
    model = model_for(server)
    await model.answer(PROMPT, Recorder())
    await model.answer(replace(PROMPT, personality=Personality.SCIENTIST, temperature=0.3), Recorder())
    assert [request["temperature"] for request in server.requests] == [0.8, 0.3]


async def test_a_model_that_refuses_a_temperature_is_asked_again_without_and_then_never_with_one(
    server: AnthropicStandIn,
) -> None:
    server.rejects_temperature = True
    server.script.extend([Streamed(("first",)), Streamed(("second",))])
    model = model_for(server, [])
    assert (await model.answer(PROMPT, Recorder())).text == "first"
    assert (await model.answer(PROMPT, Recorder())).text == "second"
    assert ["temperature" in request for request in server.requests] == [True, False, False]


async def test_a_request_refused_with_and_without_a_temperature_is_refused_and_the_temperature_kept(
    server: AnthropicStandIn,
) -> None:
    too_long = Failing(400, error="invalid_request_error", message="prompt is too long")
    server.script.extend([too_long, too_long, Streamed(("ok",))])
    model = model_for(server, [])
    with pytest.raises(CoachModelError) as raised:
        await model.answer(PROMPT, Recorder())
    assert raised.value.failure is CoachModelFailure.REFUSED
    await model.answer(PROMPT, Recorder())
    assert ["temperature" in request for request in server.requests] == [True, False, True]
