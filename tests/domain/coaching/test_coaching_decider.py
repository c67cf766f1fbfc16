"""The coaching session decider: a conversation's life, the reply's id known when the message is sent, the
reply claim, its lease and its renewal, the end of a session failing the replies still to come,
suggestions, validation by field, a total evolve and the codec round trip (v1 messages included)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import NamedTuple
from uuid import UUID, uuid4

import pytest

from domain.coaching import MAX_ATTEMPTS, CoachingSession, decode, encode, fold
from domain.coaching.codec import COACHING_CODEC
from domain.coaching.commands import (
    AcceptSuggestion,
    ClaimReply,
    CoachingCommand,
    CompleteReply,
    EndCoachingSession,
    FailReply,
    RejectSuggestion,
    RenewReplyLease,
    SendUserMessage,
    StartCoachingSession,
)
from domain.coaching.decision import MAX_WAITING, SESSION_ENDED, decide
from domain.coaching.events import (
    CoachingEvent,
    CoachingSessionEnded,
    CoachReplyCompleted,
    CoachReplyFailed,
    CoachReplyLeaseRenewed,
    CoachReplyStarted,
    SafetyTriggered,
    SuggestionAccepted,
    SuggestionRejected,
    UserMessageSent,
)
from domain.coaching.reply_ids import reply_id_for
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
        message_id=message_id,
        provider="offline",
        model="fitcoach-offline-1",
        lease_until=at + timedelta(seconds=lease),
        at=at,
    )


def claimed(conversation: Conversation, message_id: UUID, *, at: datetime = AT, lease: int = 60) -> Claim:
    [started_claim] = conversation.run(claim(message_id, at=at, lease=lease))
    assert isinstance(started_claim, CoachReplyStarted)
    return Claim(started_claim.reply_id, started_claim.attempt)


class Claim(NamedTuple):
    reply_id: UUID
    attempt: int


def renew(held: Claim, *, at: datetime, lease: int = 60) -> RenewReplyLease:
    return RenewReplyLease(
        session_id=SESSION,
        reply_id=held.reply_id,
        attempt=held.attempt,
        lease_until=at + timedelta(seconds=lease),
        at=at,
    )


def fail(held: Claim, cause: str = "provider_error", at: datetime = AT) -> FailReply:
    return FailReply(session_id=SESSION, reply_id=held.reply_id, attempt=held.attempt, cause=cause, at=at)


def complete(held: Claim, **changes: object) -> CompleteReply:
    fields: dict[str, object] = {
        "session_id": SESSION,
        "reply_id": held.reply_id,
        "attempt": held.attempt,
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
    conversation.run(complete(claimed(conversation, message_id), suggestions=suggestions))


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


def test_a_message_names_its_reply_when_sent_and_every_claim_generates_that_reply() -> None:
    conversation = started()
    message_id = uuid4()
    [sent] = conversation.run(
        SendUserMessage(session_id=SESSION, message_id=message_id, text="hi", client_message_id=None, at=AT)
    )
    assert isinstance(sent, UserMessageSent)
    assert sent.reply_id == reply_id_for(message_id) != message_id
    assert reply_id_for(message_id) == reply_id_for(UUID(str(message_id)))  # pure: the same every time
    assert reply_id_for(uuid4()) != sent.reply_id
    first = claimed(conversation, message_id, lease=30)
    takeover = claimed(conversation, message_id, at=AT + timedelta(seconds=31))
    assert first == Claim(sent.reply_id, 1)
    assert takeover == Claim(sent.reply_id, 2)


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


def test_an_expired_lease_is_taken_over_and_the_stale_attempt_cannot_finish_or_renew() -> None:
    conversation = started()
    message_id = send(conversation)
    first = claimed(conversation, message_id, lease=30)
    later = AT + timedelta(seconds=31)
    takeover = claimed(conversation, message_id, at=later)
    assert takeover.attempt == 2
    assert conversation.code_of(complete(first)) == "REPLY_NOT_CLAIMED"
    assert conversation.code_of(fail(first)) == "REPLY_NOT_CLAIMED"
    assert conversation.code_of(renew(first, at=later + timedelta(seconds=25))) == "REPLY_NOT_CLAIMED"
    assert isinstance(conversation.run(complete(takeover))[-1], CoachReplyCompleted)


def test_a_live_claim_is_renewed_at_most_every_third_of_its_lease() -> None:
    conversation = started()
    message_id = send(conversation)
    held = claimed(conversation, message_id, lease=60)
    assert conversation.run(renew(held, at=AT + timedelta(seconds=19))) == []  # too soon: nothing
    [renewed] = conversation.run(renew(held, at=AT + timedelta(seconds=20)))
    assert isinstance(renewed, CoachReplyLeaseRenewed)
    assert (renewed.reply_id, renewed.message_id, renewed.attempt) == (held.reply_id, message_id, 1)
    assert renewed.lease_until == AT + timedelta(seconds=80)
    assert conversation.state is not None
    assert conversation.state.claim is not None
    assert conversation.state.claim.lease_until == renewed.lease_until
    assert conversation.state.updated_at == AT  # a heartbeat, not an update of the session
    assert conversation.run(renew(held, at=AT + timedelta(seconds=30))) == []
    # Past the first lease, the renewed claim still holds: no other worker may take the message over.
    at = AT + timedelta(seconds=70)
    assert conversation.code_of(claim(message_id, at=at)) == "REPLY_ALREADY_CLAIMED"
    assert len(conversation.run(renew(held, at=at))) == 1
    assert isinstance(conversation.run(complete(held))[-1], CoachReplyCompleted)


def test_a_lease_that_ran_out_is_not_renewed_and_a_renewal_is_checked() -> None:
    conversation = started()
    held = claimed(conversation, send(conversation), lease=30)
    assert conversation.code_of(renew(held, at=AT + timedelta(seconds=30))) == "REPLY_LEASE_EXPIRED"
    assert conversation.code_of(renew(held, at=AT + timedelta(seconds=15), lease=601)) == "VALIDATION"
    assert conversation.code_of(renew(Claim(uuid4(), 1), at=AT + timedelta(seconds=15))) == (
        "REPLY_NOT_CLAIMED"
    )
    # It ran out, yet nobody took the message over: the worker may still finish it.
    assert isinstance(conversation.run(complete(held))[-1], CoachReplyCompleted)


def test_after_the_last_attempt_the_reply_is_marked_failed_so_nobody_waits_forever() -> None:
    conversation = started()
    message_id = send(conversation)
    at = AT
    last = Claim(uuid4(), 0)
    for _ in range(MAX_ATTEMPTS):
        last = claimed(conversation, message_id, at=at)
        at += timedelta(seconds=61)
    assert conversation.code_of(claim(message_id, at=at)) == "REPLY_ATTEMPTS_EXHAUSTED"
    failed = conversation.run(fail(last, "attempts_exhausted", at))
    assert isinstance(failed[0], CoachReplyFailed)
    assert (failed[0].message_id, failed[0].reply_id) == (message_id, reply_id_for(message_id))
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
    held = claimed(conversation, message_id)
    triggers = (
        SafetyTrigger(
            SafetyCategory.MEDICAL_RESTRICTION, SafetyAction.CONSTRAIN, Direction.INPUT, "cardiac history"
        ),
        SafetyTrigger(
            SafetyCategory.CARDIAC, SafetyAction.EMERGENCY, Direction.INPUT, "chest pain on exertion"
        ),
    )
    events = conversation.run(complete(held, triggers=triggers, confidence=1.0))
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
    held = claimed(conversation, send(conversation))
    with pytest.raises(DomainError) as raised:
        decide(complete(held, **changes), conversation.state)
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


def test_ending_a_session_fails_every_reply_still_to_come_and_a_late_completion_is_refused() -> None:
    conversation = started()
    in_flight = send(conversation)
    held = claimed(conversation, in_flight)
    queued = send(conversation)
    events = conversation.run(EndCoachingSession(session_id=SESSION, at=AT + timedelta(seconds=5)))
    assert [type(event) for event in events] == [CoachReplyFailed, CoachReplyFailed, CoachingSessionEnded]
    assert [(e.message_id, e.reply_id, e.cause) for e in events if isinstance(e, CoachReplyFailed)] == [
        (in_flight, held.reply_id, SESSION_ENDED),
        (queued, reply_id_for(queued), SESSION_ENDED),
    ]
    assert conversation.state is not None
    assert (conversation.state.waiting, conversation.state.claim, conversation.state.ended) == (
        (),
        None,
        True,
    )
    assert conversation.run(EndCoachingSession(session_id=SESSION, at=AT)) == []
    late = SendUserMessage(
        session_id=SESSION, message_id=uuid4(), text="one more", client_message_id=None, at=AT
    )
    assert conversation.code_of(late) == "COACHING_SESSION_ENDED"
    assert conversation.code_of(complete(held)) == "REPLY_NOT_CLAIMED"
    assert conversation.code_of(renew(held, at=AT + timedelta(seconds=30))) == "REPLY_NOT_CLAIMED"
    assert conversation.code_of(claim(queued)) == "COACHING_SESSION_ENDED"


def test_ending_a_session_without_waiting_messages_only_ends_it() -> None:
    conversation = started()
    answered_with(conversation)
    assert [type(e) for e in conversation.run(EndCoachingSession(session_id=SESSION, at=AT))] == [
        CoachingSessionEnded
    ]


def test_every_event_survives_the_codec() -> None:
    conversation = started()
    suggestion = Suggestion(
        suggestion_id=uuid4(), kind=SuggestionKind.REPLACE_EXERCISE, exercise=GOBLET, replaces="Barbell_Squat"
    )
    message_id = send(conversation, client_id="web-7")
    held = claimed(conversation, message_id)
    conversation.run(renew(held, at=AT + timedelta(seconds=30)))
    trigger = SafetyTrigger(
        SafetyCategory.ACUTE_PAIN, SafetyAction.MEDICAL_REFERRAL, Direction.INPUT, "sharp pain"
    )
    conversation.run(complete(held, suggestions=(suggestion,), triggers=(trigger,)))
    conversation.run(
        AcceptSuggestion(
            session_id=SESSION, suggestion_id=suggestion.suggestion_id, plan_id=PLAN, plan_version=2, at=AT
        )
    )
    conversation.run(fail(claimed(conversation, send(conversation))))
    send(conversation)
    conversation.run(EndCoachingSession(session_id=SESSION, at=AT))
    kinds = {type(event).__name__ for event in conversation.events}
    assert kinds >= {
        "CoachingSessionStarted",
        "UserMessageSent",
        "CoachReplyStarted",
        "CoachReplyLeaseRenewed",
        "SafetyTriggered",
        "CoachReplyCompleted",
        "CoachReplyFailed",
        "CoachingSessionEnded",
    }
    for event in conversation.events:
        assert decode(*encode(event)) == event
    assert fold(decode(*encode(event)) for event in conversation.events) == conversation.state


def v1_message(message_id: UUID, text: str = "build me a leg day") -> UserMessageSent:
    """A message as recorded before v2 (no reply id), read through the codec's upcaster."""
    data = {
        "session_id": str(SESSION),
        "message_id": str(message_id),
        "text": text,
        "client_message_id": None,
        "at": AT.isoformat(),
    }
    event = decode("UserMessageSent", 1, data)
    assert isinstance(event, UserMessageSent)
    return event


def v1_claim(message_id: UUID, reply_id: UUID, attempt: int, at: datetime) -> CoachReplyStarted:
    """A claim recorded before v2 chose a reply id of its own."""
    return CoachReplyStarted(
        session_id=SESSION,
        reply_id=reply_id,
        message_id=message_id,
        provider="anthropic",
        model="claude",
        attempt=attempt,
        lease_until=at + timedelta(seconds=30),
        at=at,
    )


def test_a_v1_message_is_read_without_a_reply_id_and_its_recorded_claim_still_finishes() -> None:
    assert COACHING_CODEC.encode(v1_message(uuid4()))[1] == 2
    conversation = started()
    message_id, random_reply = uuid4(), uuid4()
    message = v1_message(message_id)
    assert message.reply_id is None
    conversation.state = fold([message, v1_claim(message_id, random_reply, 1, AT)], conversation.state)
    assert conversation.code_of(complete(Claim(reply_id_for(message_id), 1))) == "REPLY_NOT_CLAIMED"
    [completed] = conversation.run(complete(Claim(random_reply, 1)))
    assert isinstance(completed, CoachReplyCompleted)
    assert (completed.reply_id, completed.message_id) == (random_reply, message_id)


def test_a_v1_message_taken_over_or_ended_names_the_reply_its_claims_have() -> None:
    conversation = started()
    taken_over, ended = uuid4(), uuid4()
    random_reply = uuid4()
    recorded: list[CoachingEvent] = [
        v1_message(taken_over),
        v1_claim(taken_over, random_reply, 1, AT),
        v1_message(ended),
    ]
    conversation.state = fold(recorded, conversation.state)
    takeover = claimed(conversation, taken_over, at=AT + timedelta(seconds=31))
    assert takeover == Claim(reply_id_for(taken_over), 2)  # the reply id a v2 claim gives it
    events = conversation.run(EndCoachingSession(session_id=SESSION, at=AT + timedelta(seconds=40)))
    assert [(e.message_id, e.reply_id) for e in events if isinstance(e, CoachReplyFailed)] == [
        (taken_over, reply_id_for(taken_over)),
        (ended, reply_id_for(ended)),
    ]


def test_evolve_ignores_events_of_another_session_and_before_the_start() -> None:
    conversation = started()
    stray = UserMessageSent(
        session_id=uuid4(), message_id=uuid4(), reply_id=None, text="hi", client_message_id=None, at=AT
    )
    assert fold([stray], conversation.state) == conversation.state
    assert fold([stray]) is None
    renewal = CoachReplyLeaseRenewed(
        session_id=SESSION, reply_id=uuid4(), message_id=uuid4(), attempt=1, lease_until=AT, at=AT
    )
    assert fold([renewal], conversation.state) == conversation.state  # no such claim: nothing changes
