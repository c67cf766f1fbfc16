"""Coaching conversations written through the real event store: commands run through the domain's
`decide`, their events encoded with its codec and appended at the expected version, as the handler does.

`write_conversations` writes six sessions of two users, their events interleaved with a workout plan's
(a stream the projection skips): session A is a whole conversation (two messages, a claim taken over
after its lease expired, a renewal, a completion with suggestions and safety triggers, a failure, a
suggestion accepted and one rejected, the end); B and C are short chats of the same user (C on the next
UTC day, written in another time zone); D is another user's chat whose reply is still being generated;
E is a chat recorded before replies had ids at once (v1 messages, each claim with a reply id of its own,
one taken over), ended after the upgrade with one message claimed and one never claimed; F is ended while
one reply is being generated and another waits.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from typing import Any
from uuid import UUID

from application.eventstore import EventMetadata, EventStore, NewEvent, StreamState
from domain.coaching import CoachingSession, coaching_stream, decide, decode, encode, fold
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
from domain.coaching.events import CoachingEvent, CoachReplyStarted
from domain.coaching.reply_ids import reply_id_for
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
from domain.plans.values import PlannedExercise
from tests.projections.projector_support import write_workload

T0 = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
EASTERN = timezone(timedelta(hours=-5))
USER_1 = UUID("00000000-0000-4000-8000-0000000000a1")
USER_2 = UUID("00000000-0000-4000-8000-0000000000a2")
PLAN = UUID("00000000-0000-4000-8000-0000000000b1")
GOBLET = PlannedExercise("Goblet_Squat", "Goblet Squat", sets=3, reps=10, weight_kg=16.0, rest_seconds=90)
DUMBBELL_ROW = PlannedExercise(
    "Dumbbell_Row", "Dumbbell Row", sets=3, reps=12, weight_kg=22.5, rest_seconds=60
)
KNEE = SafetyTrigger(
    SafetyCategory.MEDICAL_RESTRICTION, SafetyAction.CONSTRAIN, Direction.INPUT, "post-surgery knee"
)
DROPPED = SafetyTrigger(
    SafetyCategory.CONTRAINDICATED_EXERCISE,
    SafetyAction.DROP_SUGGESTION,
    Direction.OUTPUT,
    "dropped Jump Squat",
)


def minutes(n: int) -> datetime:
    return T0 + timedelta(minutes=n)


class Chat:
    """One session's stream: runs commands through `decide` and appends their events."""

    def __init__(self, store: EventStore, session_id: UUID) -> None:
        self._store = store
        self.session_id = session_id
        self.state: CoachingSession | None = None
        self.version = 0

    async def run(self, command: CoachingCommand) -> int:
        """Returns how many events the command appended."""
        events = decide(command, self.state)
        if events:
            await self._append(command.actor.value, [encode(event) for event in events])
        self.state = fold(events, self.state)
        return len(events)

    async def recorded(self, *events: tuple[str, int, dict[str, Any]]) -> None:
        """Events as an earlier release recorded them (type, schema version, data), past the decider."""
        await self._append("ai_coach", list(events))
        self.state = fold([decode(*event) for event in events], self.state)

    async def _append(self, actor: str, encoded: list[tuple[str, int, dict[str, Any]]]) -> None:
        command_id = uuid.uuid4()
        metadata = EventMetadata(actor, command_id, command_id)
        new = [NewEvent(uuid.uuid4(), *event, metadata) for event in encoded]
        expected = self.version or StreamState.NO_STREAM
        result = await self._store.append(coaching_stream(self.session_id), new, expected)
        self.version = result.stream_version

    async def start(
        self, user_id: UUID, personality: Personality, plan_id: UUID | None, at: datetime
    ) -> None:
        await self.run(
            StartCoachingSession(
                session_id=self.session_id, user_id=user_id, personality=personality, plan_id=plan_id, at=at
            )
        )

    async def send(self, message_id: UUID, text: str, client_id: str | None, at: datetime) -> int:
        return await self.run(
            SendUserMessage(
                session_id=self.session_id,
                message_id=message_id,
                text=text,
                client_message_id=client_id,
                at=at,
            )
        )

    async def claim(self, message_id: UUID, provider: str, at: datetime) -> int:
        """Returns the claim's attempt."""
        await self.run(
            ClaimReply(
                session_id=self.session_id,
                message_id=message_id,
                provider=provider,
                model=f"{provider}-model",
                lease_until=at + timedelta(seconds=60),
                at=at,
            )
        )
        assert self.state is not None
        assert self.state.claim is not None
        return self.state.claim.attempt

    async def complete(
        self,
        reply_id: UUID,
        attempt: int,
        text: str,
        usage: ReplyUsage,
        at: datetime,
        *,
        suggestions: tuple[Suggestion, ...] = (),
        triggers: tuple[SafetyTrigger, ...] = (),
        confidence: float = 0.8,
    ) -> None:
        await self.run(
            CompleteReply(
                session_id=self.session_id,
                reply_id=reply_id,
                attempt=attempt,
                text=text,
                suggestions=suggestions,
                triggers=triggers,
                confidence=confidence,
                usage=usage,
                at=at,
            )
        )


def _fresh() -> list[UUID]:
    return [uuid.uuid4() for _ in range(3)]


@dataclass
class Ids:
    """The ids of what `write_conversations` writes (fresh per call)."""

    sessions: dict[str, UUID] = field(default_factory=lambda: {name: uuid.uuid4() for name in "ABCDEF"})
    m1: UUID = field(default_factory=uuid.uuid4)
    m2: UUID = field(default_factory=uuid.uuid4)
    add: UUID = field(default_factory=uuid.uuid4)
    swap: UUID = field(default_factory=uuid.uuid4)
    e_messages: list[UUID] = field(default_factory=_fresh)
    e_claims: list[UUID] = field(default_factory=_fresh)
    """The reply ids E's v1 claims chose: two for its first message (the second took it over), one for
    its second."""
    f_messages: list[UUID] = field(default_factory=_fresh)

    @property
    def r1(self) -> UUID:
        """The reply to m1 (its two claims generate the same reply)."""
        return reply_id_for(self.m1)

    @property
    def r2(self) -> UUID:
        return reply_id_for(self.m2)


def usage(input_tokens: int, output_tokens: int, provider: str = "offline") -> ReplyUsage:
    return ReplyUsage(
        provider=provider,
        model=f"{provider}-model",
        input_tokens=input_tokens,
        output_tokens=output_tokens,
        latency_ms=input_tokens // 10,
    )


async def write_conversations(store: EventStore) -> Ids:
    ids = Ids()
    a, b, c, d, e, f = (Chat(store, ids.sessions[name]) for name in "ABCDEF")
    await _legacy_chat(e, ids)
    await write_workload(store, plans=1, commands=5, seed=3)
    await a.start(USER_1, Personality.CALM, PLAN, T0)
    await a.send(ids.m1, "build me a leg day", "c-1", minutes(1))
    await d.start(USER_2, Personality.MOTIVATOR, None, minutes(1))
    await a.send(ids.m2, "and a warm-up?", "c-2", minutes(2))
    assert await a.send(ids.m1, "build me a leg day", "c-1", minutes(2)) == 0  # an offline client's retry
    await a.claim(ids.m1, "anthropic", minutes(3))
    d_message = uuid.uuid4()
    await d.send(d_message, "how sore is too sore?", None, minutes(4))
    attempt = await a.claim(ids.m1, "anthropic", minutes(5))  # the first claim's lease ran out a minute ago
    await d.claim(d_message, "anthropic", minutes(5))
    renewed_at = minutes(5) + timedelta(seconds=30)
    renew = RenewReplyLease(
        session_id=a.session_id,
        reply_id=ids.r1,
        attempt=attempt,
        lease_until=renewed_at + timedelta(seconds=60),
        at=renewed_at,
    )
    assert await a.run(renew) == 1
    await a.complete(
        ids.r1,
        attempt,
        "Here is a knee-friendly leg day.",
        usage(1200, 300),  # the offline coach answered after the model failed over
        minutes(6),
        suggestions=(
            Suggestion(
                suggestion_id=ids.add, kind=SuggestionKind.ADD_EXERCISE, exercise=GOBLET, reason="legs"
            ),
            Suggestion(
                suggestion_id=ids.swap,
                kind=SuggestionKind.REPLACE_EXERCISE,
                exercise=DUMBBELL_ROW,
                replaces="Barbell_Row",
                reason="at home",
            ),
        ),
        triggers=(KNEE, DROPPED),
        confidence=0.72,
    )
    await write_workload(store, plans=1, commands=5, seed=4)
    attempt = await a.claim(ids.m2, "offline", minutes(7))
    await a.run(
        FailReply(
            session_id=a.session_id, reply_id=ids.r2, attempt=attempt, cause="provider_error", at=minutes(8)
        )
    )
    await a.run(
        AcceptSuggestion(
            session_id=a.session_id, suggestion_id=ids.add, plan_id=PLAN, plan_version=4, at=minutes(9)
        )
    )
    await a.run(
        RejectSuggestion(
            session_id=a.session_id, suggestion_id=ids.swap, reason="I like barbell rows", at=minutes(10)
        )
    )
    await a.run(EndCoachingSession(session_id=a.session_id, at=minutes(11)))
    await _short_chat(b, USER_1, Personality.DRILL_SERGEANT, minutes(60), usage(500, 100))
    late = datetime(2026, 12, 3, 23, 0, tzinfo=EASTERN)  # 04:00 on 4 December in UTC
    await _short_chat(c, USER_1, Personality.SCIENTIST, late, usage(10, 20))
    await f.start(USER_2, Personality.CALM, None, minutes(20))
    for n, message_id in enumerate(ids.f_messages[:2]):
        await f.send(message_id, f"question {n}", None, minutes(21 + n))
    await f.claim(ids.f_messages[0], "anthropic", minutes(23))
    assert await f.run(EndCoachingSession(session_id=f.session_id, at=minutes(24))) == 3
    await e.run(EndCoachingSession(session_id=e.session_id, at=minutes(30)))  # after the upgrade
    return ids


async def _legacy_chat(chat: Chat, ids: Ids) -> None:
    """Session E as an earlier release recorded it: v1 messages, and reply ids chosen by each claim."""
    await chat.start(USER_1, Personality.CALM, None, minutes(-1))
    first, second, third = ids.e_messages
    taken_over, completed, claimed = ids.e_claims
    await chat.recorded(_v1_message(chat.session_id, first, "what is RIR?", minutes(1)))
    await chat.recorded(_v1_claim(chat.session_id, taken_over, first, 1, minutes(2)))
    await chat.recorded(_v1_claim(chat.session_id, completed, first, 2, minutes(4)))
    await chat.complete(completed, 2, "Reps in reserve.", usage(40, 20), minutes(5))
    await chat.recorded(_v1_message(chat.session_id, second, "and RPE?", minutes(6)))
    await chat.recorded(_v1_claim(chat.session_id, claimed, second, 1, minutes(7)))
    await chat.recorded(_v1_message(chat.session_id, third, "thanks", minutes(8)))


def _v1_message(
    session_id: UUID, message_id: UUID, text: str, at: datetime
) -> tuple[str, int, dict[str, Any]]:
    data = {
        "session_id": str(session_id),
        "message_id": str(message_id),
        "text": text,
        "client_message_id": None,
        "at": at.isoformat(),
    }
    return ("UserMessageSent", 1, data)


def _v1_claim(
    session_id: UUID, reply_id: UUID, message_id: UUID, attempt: int, at: datetime
) -> tuple[str, int, dict[str, Any]]:
    claim: CoachingEvent = CoachReplyStarted(
        session_id=session_id,
        reply_id=reply_id,
        message_id=message_id,
        provider="anthropic",
        model="claude",
        attempt=attempt,
        lease_until=at + timedelta(seconds=60),
        at=at,
    )
    return encode(claim)


async def _short_chat(
    chat: Chat, user_id: UUID, personality: Personality, at: datetime, reply_usage: ReplyUsage
) -> None:
    message = uuid.uuid4()
    await chat.start(user_id, personality, None, at)
    await chat.send(message, "what is RPE?", None, at + timedelta(seconds=10))
    attempt = await chat.claim(message, "offline", at + timedelta(seconds=11))
    await chat.complete(
        reply_id_for(message), attempt, "Rate of perceived exertion.", reply_usage, at + timedelta(seconds=12)
    )
