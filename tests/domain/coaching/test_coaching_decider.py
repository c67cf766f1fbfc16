"""The coaching session decider: a conversation's life, the reply claim and its lease, suggestions,
validation by field, a total evolve and the codec round trip."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID, uuid4

import pytest

from domain.coaching import MAX_ATTEMPTS, CoachingSession, decode, encode, fold
from domain.coaching.commands import (
    AcceptSuggestion,
    ClaimReply,
    CoachingCommand,
    CompleteReply,
    EndCoachingSession,
    FailReply,
    RejectSuggestion,
    SendUserMessage,
    StartCoachingSession,
)
from domain.coaching.decision import MAX_WAITING, decide
from domain.coaching.events import (
    CoachingEvent,
    CoachingSessionEnded,
    CoachReplyCompleted,
    CoachReplyFailed,
    CoachReplyStarted,
    SafetyTriggered,
    SuggestionAccepted,
    SuggestionRejected,
    UserMessageSent,
)
from domain.coaching.streams import coaching_stream
from domain.coaching.values import (
    Direction,
    Personality,
    ReplyUsage,
    SafetyAction,
    SafetyCategory,
    SafetyTrigger,
    Suggestion,
    SuggestionKind,
)
from domain.errors import DomainError
from domain.plans.values import PlannedExercise

AT = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
SESSION = UUID("5e55e55e-0000-4000-8000-000000000001")
USER = UUID("05e40000-0000-4000-8000-000000000002")
PLAN = UUID("9a9a9a9a-0000-4000-8000-000000000003")
USAGE = ReplyUsage(
    provider="offline", model="fitcoach-offline-1", input_tokens=120, output_tokens=80, latency_ms=35
)
GOBLET = PlannedExercise("Goblet_Squat", "Goblet Squat", sets=3, reps=10, weight_kg=16.0, rest_seconds=90)


class Conversation:
    """Runs commands through decide and evolve, as the handler does, and keeps every event."""

    def __init__(self) -> None:
        self.events: list[CoachingEvent] = []
        self.state: CoachingSession | None = None

    def run(self, command: CoachingCommand) -> list[CoachingEvent]:
        events = decide(command, self.state)
        self.events.extend(events)
        self.state = fold(events, self.state)
        return events

    def code_of(self, command: CoachingCommand) -> str:
        with pytest.raises(DomainError) as raised:
            decide(command, self.state)
        return raised.value.code


def started() -> Conversation:
    conversation = Conversation()
    conversation.run(
        StartCoachingSession(
            session_id=SESSION, user_id=USER, personality=Personality.CALM, plan_id=PLAN, at=AT
        )
    )
    return conversation


def send(conversation: Conversation, text: str = "build me a leg day", client_id: str | None = None) -> UUID:
    message_id = uuid4()
    conversation.run(
        SendUserMessage(
            session_id=SESSION, message_id=message_id, text=text, client_message_id=client_id, at=AT
        )
    )
    return message_id


def claim(message_id: UUID, *, at: datetime = AT, lease: int = 60) -> ClaimReply:
    return ClaimReply(
        session_id=SESSION,
        reply_id=uuid4(),
        message_id=message_id,
        provider="offline",
        model="fitcoach-offline-1",
        lease_until=at + timedelta(seconds=lease),
        at=at,
    )


def complete(reply_id: UUID, **changes: object) -> CompleteReply:
    fields: dict[str, object] = {
        "session_id": SESSION,
        "reply_id": reply_id,
        "text": "Here is a leg day.",
        "suggestions": (),
        "triggers": (),
        "confidence": 0.8,
        "usage": USAGE,
        "at": AT,
    }
    fields.update(changes)
    return CompleteReply(**fields)  # type: ignore[arg-type]


def answered_with(conversation: Conversation, *suggestions: Suggestion) -> None:
    message_id = send(conversation)
    started_claim = claim(message_id)
    conversation.run(started_claim)
    conversation.run(complete(started_claim.reply_id, suggestions=suggestions))


def add_goblet() -> Suggestion:
    return Suggestion(
        suggestion_id=uuid4(), kind=SuggestionKind.ADD_EXERCISE, exercise=GOBLET, reason="knee-friendly"
    )


def test_a_session_lives_in_its_own_stream() -> None:
    assert coaching_stream(SESSION) == f"coaching-{SESSION}"


def test_starting_again_the_same_way_changes_nothing_but_differently_is_refused() -> None:
    conversation = started()
    same = StartCoachingSession(
        session_id=SESSION, user_id=USER, personality=Personality.CALM, plan_id=PLAN, at=AT
    )
    assert conversation.run(same) == []
    other = StartCoachingSession(
        session_id=SESSION, user_id=USER, personality=Personality.DRILL_SERGEANT, plan_id=PLAN, at=AT
    )
    assert conversation.code_of(other) == "COACHING_SESSION_ALREADY_STARTED"


def test_commands_on_a_session_that_does_not_exist_are_refused() -> None:
    assert (
        Conversation().code_of(EndCoachingSession(session_id=SESSION, at=AT)) == "COACHING_SESSION_NOT_FOUND"
    )


def test_a_message_waits_for_its_reply_and_a_client_retry_adds_nothing() -> None:
    conversation = started()
    first = send(conversation, client_id="phone-1")
    assert conversation.state is not None
    assert [m.message_id for m in conversation.state.waiting] == [first]
    retry = SendUserMessage(
        session_id=SESSION, message_id=uuid4(), text="again", client_message_id="phone-1", at=AT
    )
    assert conversation.run(retry) == []
    assert conversation.state.message_count == 1


def test_at_most_a_few_messages_wait_for_replies() -> None:
    conversation = started()
    for _ in range(MAX_WAITING):
        send(conversation)
    flood = SendUserMessage(
        session_id=SESSION, message_id=uuid4(), text="hello?", client_message_id=None, at=AT
    )
    assert conversation.code_of(flood) == "TOO_MANY_PENDING_MESSAGES"


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("", "VALIDATION"),
        ("   ", "VALIDATION"),
        ("x" * 4001, "VALIDATION"),
        ("hi\u202egnp.exe", "DISALLOWED_CHARACTER"),
    ],
)
def test_message_texts_are_checked(text: str, code: str) -> None:
    message = SendUserMessage(
        session_id=SESSION, message_id=uuid4(), text=text, client_message_id=None, at=AT
    )
    assert started().code_of(message) == code


def test_one_worker_wins_the_claim_and_the_other_is_told_so() -> None:
    conversation = started()
    message_id = send(conversation)
    winner = conversation.run(claim(message_id))
    assert isinstance(winner[0], CoachReplyStarted)
    assert winner[0].attempt == 1
    assert conversation.code_of(claim(message_id, at=AT + timedelta(seconds=5))) == "REPLY_ALREADY_CLAIMED"


def test_messages_are_answered_in_order() -> None:
    conversation = started()
    send(conversation)
    second = send(conversation)
    assert conversation.code_of(claim(second)) == "REPLY_NOT_NEEDED"


def test_an_expired_lease_is_taken_over_and_the_stale_worker_cannot_finish() -> None:
    conversation = started()
    message_id = send(conversation)
    first = claim(message_id, lease=30)
    conversation.run(first)
    takeover = claim(message_id, at=AT + timedelta(seconds=31))
    events = conversation.run(takeover)
    assert isinstance(events[0], CoachReplyStarted)
    assert events[0].attempt == 2
    assert conversation.code_of(complete(first.reply_id)) == "REPLY_NOT_CLAIMED"
    assert isinstance(conversation.run(complete(takeover.reply_id))[-1], CoachReplyCompleted)


def test_after_the_last_attempt_the_reply_is_marked_failed_so_nobody_waits_forever() -> None:
    conversation = started()
    message_id = send(conversation)
    at = AT
    last = claim(message_id, at=at)
    for _ in range(MAX_ATTEMPTS):
        last = claim(message_id, at=at)
        conversation.run(last)
        at += timedelta(seconds=61)
    assert conversation.code_of(claim(message_id, at=at)) == "REPLY_ATTEMPTS_EXHAUSTED"
    failed = conversation.run(
        FailReply(session_id=SESSION, reply_id=last.reply_id, cause="attempts_exhausted", at=at)
    )
    assert isinstance(failed[0], CoachReplyFailed)
    assert failed[0].message_id == message_id
    assert conversation.state is not None
    assert conversation.state.waiting == ()
    assert conversation.state.claim is None


def test_a_lease_must_be_short_and_in_the_future() -> None:
    conversation = started()
    message_id = send(conversation)
    assert conversation.code_of(claim(message_id, lease=0)) == "VALIDATION"
    assert conversation.code_of(claim(message_id, lease=601)) == "VALIDATION"


def test_a_completed_reply_records_each_safety_trigger_and_the_most_drastic_action() -> None:
    conversation = started()
    message_id = send(conversation, "chest pain when I run, should I keep going?")
    started_claim = claim(message_id)
    conversation.run(started_claim)
    triggers = (
        SafetyTrigger(
            SafetyCategory.MEDICAL_RESTRICTION, SafetyAction.CONSTRAIN, Direction.INPUT, "cardiac history"
        ),
        SafetyTrigger(
            SafetyCategory.CARDIAC, SafetyAction.EMERGENCY, Direction.INPUT, "chest pain on exertion"
        ),
    )
    events = conversation.run(complete(started_claim.reply_id, triggers=triggers, confidence=1.0))
    assert [type(event) for event in events] == [SafetyTriggered, SafetyTriggered, CoachReplyCompleted]
    completed = events[-1]
    assert isinstance(completed, CoachReplyCompleted)
    assert completed.safety_action is SafetyAction.EMERGENCY
    assert completed.safety_notes == ("cardiac history", "chest pain on exertion")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"confidence": 1.5}, "confidence"),
        ({"confidence": float("nan")}, "confidence"),
        ({"text": ""}, "text"),
        ({"usage": ReplyUsage(provider="offline", model="m", input_tokens=-1)}, "usage.input_tokens"),
        (
            {"suggestions": (Suggestion(suggestion_id=uuid4(), kind=SuggestionKind.ADD_EXERCISE),)},
            "suggestions[0].exercise",
        ),
        (
            {
                "suggestions": (
                    Suggestion(suggestion_id=uuid4(), kind=SuggestionKind.REMOVE_EXERCISE, replaces=" "),
                )
            },
            "suggestions[0].replaces",
        ),
        ({"suggestions": tuple(add_goblet() for _ in range(21))}, "suggestions"),
    ],
)
def test_replies_are_validated_by_field(changes: dict[str, object], field: str) -> None:
    conversation = started()
    started_claim = claim(send(conversation))
    conversation.run(started_claim)
    with pytest.raises(DomainError) as raised:
        decide(complete(started_claim.reply_id, **changes), conversation.state)
    assert raised.value.field == field


def test_a_suggestion_is_accepted_once_and_cannot_then_be_rejected() -> None:
    conversation = started()
    suggestion = add_goblet()
    answered_with(conversation, suggestion)
    accept = AcceptSuggestion(
        session_id=SESSION, suggestion_id=suggestion.suggestion_id, plan_id=PLAN, plan_version=4, at=AT
    )
    assert isinstance(conversation.run(accept)[0], SuggestionAccepted)
    assert conversation.run(accept) == []
    reject = RejectSuggestion(session_id=SESSION, suggestion_id=suggestion.suggestion_id, reason="", at=AT)
    assert conversation.code_of(reject) == "SUGGESTION_ALREADY_DECIDED"


def test_a_suggestion_can_be_rejected_and_unknown_ones_are_refused() -> None:
    conversation = started()
    suggestion = add_goblet()
    answered_with(conversation, suggestion)
    reject = RejectSuggestion(
        session_id=SESSION, suggestion_id=suggestion.suggestion_id, reason="no kettlebell", at=AT
    )
    assert isinstance(conversation.run(reject)[0], SuggestionRejected)
    unknown = RejectSuggestion(session_id=SESSION, suggestion_id=uuid4(), reason="", at=AT)
    assert conversation.code_of(unknown) == "UNKNOWN_SUGGESTION"


def test_an_ended_session_takes_no_messages_but_a_reply_in_flight_still_lands() -> None:
    conversation = started()
    started_claim = claim(send(conversation))
    conversation.run(started_claim)
    assert isinstance(
        conversation.run(EndCoachingSession(session_id=SESSION, at=AT))[0], CoachingSessionEnded
    )
    assert conversation.run(EndCoachingSession(session_id=SESSION, at=AT)) == []
    late = SendUserMessage(
        session_id=SESSION, message_id=uuid4(), text="one more", client_message_id=None, at=AT
    )
    assert conversation.code_of(late) == "COACHING_SESSION_ENDED"
    assert isinstance(conversation.run(complete(started_claim.reply_id))[-1], CoachReplyCompleted)


def test_every_event_survives_the_codec() -> None:
    conversation = started()
    suggestion = Suggestion(
        suggestion_id=uuid4(), kind=SuggestionKind.REPLACE_EXERCISE, exercise=GOBLET, replaces="Barbell_Squat"
    )
    message_id = send(conversation, client_id="web-7")
    started_claim = claim(message_id)
    conversation.run(started_claim)
    trigger = SafetyTrigger(
        SafetyCategory.ACUTE_PAIN, SafetyAction.MEDICAL_REFERRAL, Direction.INPUT, "sharp pain"
    )
    conversation.run(complete(started_claim.reply_id, suggestions=(suggestion,), triggers=(trigger,)))
    conversation.run(
        AcceptSuggestion(
            session_id=SESSION, suggestion_id=suggestion.suggestion_id, plan_id=PLAN, plan_version=2, at=AT
        )
    )
    failing = claim(send(conversation))
    conversation.run(failing)
    conversation.run(FailReply(session_id=SESSION, reply_id=failing.reply_id, cause="provider_error", at=AT))
    conversation.run(EndCoachingSession(session_id=SESSION, at=AT))
    kinds = {type(event).__name__ for event in conversation.events}
    assert kinds >= {"CoachingSessionStarted", "UserMessageSent", "CoachReplyStarted", "SafetyTriggered"}
    for event in conversation.events:
        assert decode(*encode(event)) == event
    assert fold(decode(*encode(event)) for event in conversation.events) == conversation.state


def test_evolve_ignores_events_of_another_session_and_before_the_start() -> None:
    conversation = started()
    stray = UserMessageSent(session_id=uuid4(), message_id=uuid4(), text="hi", client_message_id=None, at=AT)
    assert fold([stray], conversation.state) == conversation.state
    assert fold([stray]) is None
