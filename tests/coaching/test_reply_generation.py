"""Generating one reply (`ReplyGenerator.attend`) on the real PostgreSQL and Redis with Claude's stand-in on
a real socket: deltas in order in the session's chat feed, the fallback to the offline coach on a 529 or a
stream cut (recorded, with a reset), our own safety reply without a model call, a reply giving drug doses
replaced by ours (after a reset, and not cached), suggestions that break the user's restrictions dropped
and noted, the daily budget, the response cache, and the personality's temperature."""

from __future__ import annotations

from collections.abc import Sequence

import pytest
from prometheus_client import REGISTRY

from adapters.prometheus.coach_metrics import PrometheusCoachMetrics
from application.coaching.chat_feed import ChatEntry, ChatEntryKind
from application.coaching.fallback import FallbackCoachModel
from application.coaching.generation import BUDGET_NOTE, ReplyOutcome, ReplyPolicy
from application.coaching.offline_coach import OfflineCoachModel
from application.coaching.personalities import TONES
from application.coaching.response_cache import CACHED_PROVIDER
from domain.coaching.events import CoachReplyCompleted, CoachReplyStarted, SafetyTriggered
from domain.coaching.safety.replies import safety_reply
from domain.coaching.values import Direction, Personality, SafetyAction, SafetyCategory, SafetyTrigger
from tests.coaching.anthropic_server import Failing, Streamed
from tests.coaching.worker_support import Coach, deltas, feed_entries, kinds

KNEE_REPLACEMENT = "total knee replacement last year"


def completed_in(events: Sequence[object]) -> list[CoachReplyCompleted]:
    return [event for event in events if isinstance(event, CoachReplyCompleted)]


def sample(name: str, labels: dict[str, str]) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_deltas_arrive_in_order_with_their_seq_and_make_the_completed_text(coach: Coach) -> None:
    coach.stand_in.script.append(Streamed(texts=("Warm up ", "with five ", "minutes of ", "easy cardio.")))
    user = await coach.user()
    session = await coach.session(user)
    start = await coach.feed.head(session)
    await coach.send(session, "how should I warm up?")
    outcome = await coach.generator().attend(session)
    assert outcome is ReplyOutcome.COMPLETED
    entries = await feed_entries(coach.feed, session, start, until=ChatEntryKind.COMPLETED)
    assert kinds(entries) == [
        ChatEntryKind.STARTED,
        *[ChatEntryKind.DELTA] * len(deltas(entries)),
        ChatEntryKind.COMPLETED,
    ]
    frames = deltas(entries)
    assert [m.seq for m in frames] == list(range(1, len(frames) + 1))
    [reply] = completed_in(await coach.events(session))
    assert "".join(m.text for m in frames) == reply.text == "Warm up with five minutes of easy cardio."
    assert (reply.usage.provider, reply.usage.model) == ("anthropic", "claude-test")
    assert entries[-1].position > 0
    assert entries[-1].reply_id == reply.reply_id
    request = coach.stand_in.requests[0]
    assert request["messages"][-1] == {"role": "user", "content": "how should I warm up?"}
    assert "<user_context>" in request["system"][1]["text"]


async def test_each_personality_asks_claude_with_its_own_temperature(coach: Coach) -> None:
    personalities = (Personality.SCIENTIST, Personality.MOTIVATOR)
    coach.stand_in.script.extend(Streamed(texts=("Fine.",)) for _ in personalities)
    user = await coach.user()
    for personality in personalities:
        session = await coach.session(user, personality)
        await coach.send(session, "how many rest days do I need?")
        assert await coach.generator().attend(session) is ReplyOutcome.COMPLETED
    sent = [request["temperature"] for request in coach.stand_in.requests]
    assert sent == [TONES[personality].temperature for personality in personalities]
    assert sent[0] < sent[1]


@pytest.mark.parametrize(
    "failure",
    [Failing(529), Streamed(texts=("Half ", "a reply ", "that is ", "cut"), cut_after_texts=2)],
    ids=["overloaded", "stream-cut"],
)
async def test_a_failing_claude_falls_back_to_the_offline_coach_and_records_it(
    coach: Coach, failure: Failing | Streamed
) -> None:
    coach.stand_in.script.append(failure)
    user = await coach.user()
    session = await coach.session(user)
    fallbacks = sample("ai_fallbacks_total", {"provider": "anthropic"})
    start = await coach.feed.head(session)
    await coach.send(session, "how should I warm up?")
    outcome = await coach.generator(metrics=PrometheusCoachMetrics()).attend(session)
    assert outcome is ReplyOutcome.COMPLETED
    [reply] = completed_in(await coach.events(session))
    assert reply.usage.provider == "offline"
    assert "warm" in reply.text.lower()
    assert sample("ai_fallbacks_total", {"provider": "anthropic"}) == fallbacks + 1
    entries = await feed_entries(coach.feed, session, start, until=ChatEntryKind.COMPLETED)
    if isinstance(failure, Streamed):  # text had been streamed: void, and numbering starts again
        reset = kinds(entries).index(ChatEntryKind.RESET)
        assert entries[0].kind is ChatEntryKind.STARTED
        assert "".join(m.text for m in deltas(entries[:reset])) == "Half a reply "  # written before the reset
        assert entries[reset].provider == "offline"
        after = deltas(entries[reset:])
        assert after[0].seq == 1
        assert "".join(m.text for m in after) == reply.text
    else:
        assert ChatEntryKind.RESET not in kinds(entries)


async def test_an_emergency_gets_our_safety_reply_without_a_model_call(coach: Coach) -> None:
    user = await coach.user()
    session = await coach.session(user)
    triggered = sample(
        "ai_safety_triggers_total", {"category": "cardiac", "action": "emergency", "direction": "input"}
    )
    await coach.send(session, "I get crushing chest pain when I run, should I push through?")
    outcome = await coach.generator(metrics=PrometheusCoachMetrics()).attend(session)
    assert outcome is ReplyOutcome.COMPLETED
    events = await coach.events(session)
    [reply] = completed_in(events)
    assert reply.usage.provider == "safety"
    assert reply.safety_action is SafetyAction.EMERGENCY
    assert "emergency" in reply.text.lower()
    assert reply.suggestions == ()
    safety = [e for e in events if isinstance(e, SafetyTriggered)]
    assert [(e.category, e.direction) for e in safety] == [(SafetyCategory.CARDIAC, Direction.INPUT)]
    assert coach.stand_in.requests == []
    assert (
        sample(
            "ai_safety_triggers_total", {"category": "cardiac", "action": "emergency", "direction": "input"}
        )
        == triggered + 1
    )


async def test_a_suggestion_that_breaks_the_users_restrictions_is_dropped_and_noted(coach: Coach) -> None:
    proposal = {
        "changes": [
            {"kind": "add_exercise", "exercise_id": "Barbell_Squat", "reason": "strong legs"},
            {"kind": "add_exercise", "exercise_id": "Made_Up_Exercise", "reason": "invented"},
            {"kind": "add_exercise", "exercise_id": "Seated_Calf_Raise", "reason": "calves"},
        ],
        "confidence": 0.7,
    }
    coach.stand_in.script.append(Streamed(texts=("Here is a leg day.",), tool_input=proposal))
    user = await coach.user(injuries=[KNEE_REPLACEMENT])
    session = await coach.session(user)
    await coach.send(session, "build me a leg day")
    assert await coach.generator().attend(session) is ReplyOutcome.COMPLETED
    events = await coach.events(session)
    [reply] = completed_in(events)
    assert [s.exercise.exercise_id for s in reply.suggestions if s.exercise] == ["Seated_Calf_Raise"]
    found = {(e.category, e.action, e.direction) for e in events if isinstance(e, SafetyTriggered)}
    assert found == {
        (SafetyCategory.MEDICAL_RESTRICTION, SafetyAction.CONSTRAIN, Direction.INPUT),
        (SafetyCategory.CONTRAINDICATED_EXERCISE, SafetyAction.DROP_SUGGESTION, Direction.OUTPUT),
        (SafetyCategory.PLAN_RULES, SafetyAction.DROP_SUGGESTION, Direction.OUTPUT),
    }
    assert any("Barbell Squat" in note or "Squat" in note for note in reply.safety_notes)
    assert any("knee replacement" in note for note in reply.safety_notes)
    system = coach.stand_in.requests[0]["system"]
    assert "knee replacement" in system[0]["text"]  # the restriction is in our instructions
    assert "Barbell_Squat:" not in system[1]["text"]  # and ruled-out exercises are not candidates


async def test_past_the_daily_budget_the_offline_coach_answers_with_a_note(coach: Coach) -> None:
    coach.stand_in.script.append(Streamed(texts=("Sleep well and eat protein.",)))
    user = await coach.user()
    session = await coach.session(user)
    generator = coach.generator(policy=ReplyPolicy(daily_tokens=100))
    await coach.send(session, "how do I recover better?")
    assert await generator.attend(session) is ReplyOutcome.COMPLETED
    _, position = await coach.send(session, "how should I warm up?")
    await coach.projected(position)  # the first reply's tokens are in ai.coach_usage
    assert await generator.attend(session) is ReplyOutcome.COMPLETED
    first, second = completed_in(await coach.events(session))
    assert first.usage.provider == "anthropic"
    assert first.usage.input_tokens + first.usage.output_tokens > 100
    assert second.usage.provider == "offline"
    assert second.text.startswith(BUDGET_NOTE.strip())
    assert len(coach.stand_in.requests) == 1


async def test_a_repeated_question_in_an_unchanged_context_is_answered_from_the_cache(coach: Coach) -> None:
    coach.stand_in.script.append(
        Streamed(
            texts=("Three sets ", "of ten."),
        )
    )
    user = await coach.user()
    generator = coach.generator()
    replies = []
    for _ in range(2):
        session = await coach.session(user)  # a new conversation: nothing before the question
        await coach.send(session, "how many sets per week?")
        assert await generator.attend(session) is ReplyOutcome.COMPLETED
        [reply] = completed_in(await coach.events(session))
        replies.append(reply)
    assert [r.usage.provider for r in replies] == ["anthropic", CACHED_PROVIDER]
    assert replies[0].text == replies[1].text == "Three sets of ten."
    assert len(coach.stand_in.requests) == 1
    other = await coach.user()  # another user's same question is not theirs to reuse
    coach.stand_in.script.append(Streamed(texts=("Ten sets.",)))
    session = await coach.session(other)
    await coach.send(session, "how many sets per week?")
    await generator.attend(session)
    [reply] = completed_in(await coach.events(session))
    assert reply.usage.provider == "anthropic"
    assert len(coach.stand_in.requests) == 2


async def test_the_claim_is_recorded_with_the_chains_first_provider(coach: Coach) -> None:
    coach.stand_in.script.append(Streamed(texts=("Fine.",)))
    user = await coach.user()
    session = await coach.session(user)
    await coach.send(session, "hello coach, how should I warm up?")
    await coach.generator().attend(session)
    [claim] = [e for e in await coach.events(session) if isinstance(e, CoachReplyStarted)]
    assert (claim.provider, claim.model, claim.attempt) == ("anthropic", "claude-test", 1)


async def test_consecutive_failures_open_claudes_circuit_until_the_cool_down_is_over(coach: Coach) -> None:
    now = [0.0]
    chain = FallbackCoachModel(
        (coach.claude(), OfflineCoachModel()),
        PrometheusCoachMetrics(),
        failures=3,
        cool_down_seconds=30.0,
        clock=lambda: now[0],
    )
    generator = coach.generator(chain=chain)
    coach.stand_in.script.extend([Failing(529), Failing(500), Failing(529), Streamed(texts=("Back.",))])
    user = await coach.user()
    open_before = sample(
        "ai_request_duration_seconds_count",
        {"model": "claude-test", "personality": "calm", "status": "circuit_open"},
    )

    async def ask() -> CoachReplyCompleted:
        session = await coach.session(user)
        await coach.send(session, f"how should I warm up? ({session})")  # never the same: no cache
        assert await generator.attend(session) is ReplyOutcome.COMPLETED
        [reply] = completed_in(await coach.events(session))
        return reply

    assert [(await ask()).usage.provider for _ in range(4)] == ["offline"] * 4
    assert len(coach.stand_in.requests) == 3  # the fourth was not sent: the circuit was open
    assert chain.circuit_open("anthropic")
    assert (
        sample(
            "ai_request_duration_seconds_count",
            {"model": "claude-test", "personality": "calm", "status": "circuit_open"},
        )
        == open_before + 1
    )
    now[0] += 31.0  # the cool-down is over: a trial call goes through and closes it
    assert (await ask()).usage.provider == "anthropic"
    assert not chain.circuit_open("anthropic")


async def test_a_second_claude_model_answers_before_the_offline_coach(coach: Coach) -> None:
    coach.stand_in.script.extend([Failing(529), Streamed(texts=("Warm up gently.",), model="claude-second")])
    links = (coach.claude("claude-first"), coach.claude("claude-second"), OfflineCoachModel())
    user = await coach.user()
    session = await coach.session(user)
    await coach.send(session, "how should I warm up?")
    assert await coach.generator(links=links).attend(session) is ReplyOutcome.COMPLETED
    [reply] = completed_in(await coach.events(session))
    assert (reply.usage.provider, reply.usage.model, reply.text) == (
        "anthropic",
        "claude-second",
        "Warm up gently.",
    )
    assert [request["model"] for request in coach.stand_in.requests] == ["claude-first", "claude-second"]


async def test_a_reply_giving_drug_doses_is_replaced_by_our_safety_reply_after_a_reset(coach: Coach) -> None:
    bad = ("Run 500 mg of ", "testosterone enanthate ", "a week for 12 weeks.")
    coach.stand_in.script.extend([Streamed(texts=bad), Streamed(texts=bad)])
    user = await coach.user()
    labels = {"category": "drug_dosing", "action": "refuse_with_alternative", "direction": "output"}
    triggered = sample("ai_safety_triggers_total", labels)
    generator = coach.generator(metrics=PrometheusCoachMetrics())
    replies: list[CoachReplyCompleted] = []
    first_entries: list[ChatEntry] = []
    for _ in range(2):  # the same question again: the bad answer was not kept in the response cache
        session = await coach.session(user)
        start = await coach.feed.head(session)
        await coach.send(session, "how do I break my bench plateau?")
        assert await generator.attend(session) is ReplyOutcome.COMPLETED
        entries = await feed_entries(coach.feed, session, start, until=ChatEntryKind.COMPLETED)
        first_entries = first_entries or entries
        events = await coach.events(session)
        [reply] = completed_in(events)
        replies.append(reply)
        safety = [e for e in events if isinstance(e, SafetyTriggered)]
        assert [(e.category, e.action, e.direction) for e in safety] == [
            (SafetyCategory.DRUG_DOSING, SafetyAction.REFUSE_WITH_ALTERNATIVE, Direction.OUTPUT)
        ]
    assert len(coach.stand_in.requests) == 2
    for reply in replies:
        assert reply.text == safety_reply(
            [
                SafetyTrigger(
                    SafetyCategory.DRUG_DOSING, SafetyAction.REFUSE_WITH_ALTERNATIVE, Direction.OUTPUT
                )
            ],
            Personality.CALM,
        )
        assert "500 mg" not in reply.text
        assert (reply.usage.provider, reply.safety_action, reply.suggestions) == (
            "safety",
            SafetyAction.REFUSE_WITH_ALTERNATIVE,
            (),
        )
        assert reply.usage.input_tokens > 0  # the model's tokens were spent, and still count
    assert sample("ai_safety_triggers_total", labels) == triggered + 2
    signals = kinds(first_entries)
    reset = signals.index(ChatEntryKind.RESET)
    assert signals[0] is ChatEntryKind.STARTED
    assert "".join(entry.text for entry in deltas(first_entries[:reset])) == "".join(bad)
    assert first_entries[reset].provider == "safety"
    after = deltas(first_entries[reset:])
    assert after[0].seq == 1
    assert "".join(entry.text for entry in after) == replies[0].text
