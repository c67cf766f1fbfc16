"""Support for the coaching API tests: the operations they send, and `CoachDriver`, which stands in for
the coach worker: it claims a message and completes its reply through the real command path
(`ClaimReply`, `CompleteReply` on the `COACHING` decider) and publishes the live `ReplyMessage`s on the
real PubSub, as the worker does."""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from application.coaching.reply_stream import ReplyMessage, ReplySignal, reply_channel
from application.handler import CommandMetadata
from domain.coaching.commands import ClaimReply, CompleteReply
from domain.coaching.values import PlanAt, ReplyUsage, SafetyTrigger, Suggestion, SuggestionKind
from domain.plans.values import PlannedExercise
from fitcoach.wiring.api import Api
from fitcoach.wiring.core import coaching_handler
from tests.api.graphql_client import Session, create_plan, exercise
from tests.api.live_support import assert_no_internal_errors, eventually, raw_id

ERRORS = "userErrors { field message code currentVersion retryAfterSeconds }"
SESSION_FIELDS = "id personality status messageCount startedAt endedAt plan { id }"
MESSAGE_FIELDS = """id role text status inReplyTo provider model confidence createdAt
safety { category action message direction } safetyAction
suggestions {
  id kind status rationale exercise { id name primaryMuscles contraindications exerciseId }
  exerciseId replaces sets reps weightKg restSeconds order basedOnPlanVersion planVersion
}"""
START = (
    "mutation($input: StartCoachingSessionInput!) { startCoachingSession(input: $input) {"
    f" session {{ {SESSION_FIELDS} }} {ERRORS} }} }}"
)
SEND = (
    "mutation($input: SendCoachMessageInput!) { sendCoachMessage(input: $input) {"
    f" message {{ {MESSAGE_FIELDS} }} session {{ id messageCount }} {ERRORS} }} }}"
)
ACCEPT = (
    "mutation($input: AcceptSuggestionInput!) { acceptSuggestion(input: $input) {"
    " plan { id version latestVersionNumber exercises { exerciseId sets }"
    f" versions {{ edges {{ node {{ versionNumber changeDescription changedBy }} }} }} }}"
    f" session {{ id }} {ERRORS} }} }}"
)
REJECT = (
    "mutation($input: RejectSuggestionInput!) { rejectSuggestion(input: $input) {"
    f" session {{ id status }} {ERRORS} }} }}"
)
END = (
    "mutation($input: EndCoachingSessionInput!) { endCoachingSession(input: $input) {"
    f" session {{ id status endedAt }} {ERRORS} }} }}"
)
SESSIONS = (
    "query($first: Int, $after: String) { coachingSessions(first: $first, after: $after) {"
    " edges { cursor node { id status } } pageInfo { hasNextPage hasPreviousPage endCursor } } }"
)
SESSION = (
    "query($id: ID!, $first: Int, $after: String) { coachingSession(id: $id) {"
    f" {SESSION_FIELDS} messages(first: $first, after: $after) {{"
    f" edges {{ cursor node {{ {MESSAGE_FIELDS} }} }} pageInfo {{ hasNextPage endCursor }} }} }} }}"
)
NODE = (
    "query($id: ID!) { node(id: $id) { id ... on CoachingSession { status } ... on CoachMessage { text } } }"
)
USAGE = "query($day: Date) { coachUsage(day: $day) { day inputTokens outputTokens replies } }"
WATCH = """subscription($sessionId: ID!) { coachReply(sessionId: $sessionId) {
  signal replyId messageId seq text provider message { id role text status provider suggestions { id } }
} }"""


async def start_session(session: Session, **fields: Any) -> dict[str, Any]:
    payload = (await session.data(START, {"input": fields}))["startCoachingSession"]
    assert payload["userErrors"] == [], payload
    started: dict[str, Any] = payload["session"]
    return started


async def send(session: Session, session_id: str, text: str, **fields: Any) -> dict[str, Any]:
    body = await session.execute(SEND, {"input": {"sessionId": session_id, "text": text, **fields}})
    assert_no_internal_errors(body)
    assert not body.get("errors"), body
    payload: dict[str, Any] = body["data"]["sendCoachMessage"]
    return payload


async def sent(session: Session, session_id: str, text: str, **fields: Any) -> dict[str, Any]:
    payload = await send(session, session_id, text, **fields)
    assert payload["userErrors"] == [], payload
    message: dict[str, Any] = payload["message"]
    return message


async def messages_of(session: Session, session_id: str, first: int = 20) -> list[dict[str, Any]]:
    found = await session.data(SESSION, {"id": session_id, "first": first})
    return [edge["node"] for edge in found["coachingSession"]["messages"]["edges"]]


async def wait_for_messages(
    session: Session, session_id: str, count: int, last_status: str = "COMPLETE"
) -> list[dict[str, Any]]:
    """The session's messages once the read model holds `count` of them, the last one `last_status`."""
    return await eventually(
        lambda: messages_of(session, session_id),
        lambda found: len(found) == count and found[-1]["status"] == last_status,
    )


def planned(exercise_id: str, sets: int = 3, reps: int = 10) -> PlannedExercise:
    return PlannedExercise(
        exercise_id=exercise_id,
        name=exercise_id.replace("_", " "),
        sets=sets,
        reps=reps,
        weight_kg=20.0,
        rest_seconds=90,
    )


def add(exercise_id: str, reason: str = "more work for the legs") -> Suggestion:
    return Suggestion(
        suggestion_id=uuid.uuid4(),
        kind=SuggestionKind.ADD_EXERCISE,
        exercise=planned(exercise_id),
        reason=reason,
    )


def replace(old: str, new: str) -> Suggestion:
    return Suggestion(
        suggestion_id=uuid.uuid4(),
        kind=SuggestionKind.REPLACE_EXERCISE,
        exercise=planned(new, sets=4, reps=8),
        replaces=old,
        reason="easier on the back",
    )


def remove(old: str) -> Suggestion:
    return Suggestion(
        suggestion_id=uuid.uuid4(),
        kind=SuggestionKind.REMOVE_EXERCISE,
        replaces=old,
        reason="too much volume",
    )


def update(target: str, against: PlanAt, **prescription: Any) -> Suggestion:
    """`target` as `planned` makes it (3 x 10 at 20 kg, 90 s), with `prescription` changed."""
    return Suggestion(
        suggestion_id=uuid.uuid4(),
        kind=SuggestionKind.UPDATE_EXERCISE,
        exercise=dataclasses.replace(planned(target), **prescription),
        replaces=target,
        against=against,
        reason="heavier, fewer reps",
    )


def reorder(against: PlanAt, *order: str) -> Suggestion:
    return Suggestion(
        suggestion_id=uuid.uuid4(),
        kind=SuggestionKind.REORDER_EXERCISES,
        order=order,
        against=against,
        reason="the big lift first, while fresh",
    )


ADD_EXERCISE = """mutation($input: AddExerciseInput!) {
  addExercise(input: $input) { plan { version } userErrors { code } }
}"""


async def plan_with(session: Session, *exercise_ids: str) -> tuple[dict[str, Any], PlanAt]:
    """A new plan of `session`'s user holding `exercise_ids` (3 x 10 each), and its id and version."""
    plan = await create_plan(session, "Coached plan")
    version = plan["version"]
    for exercise_id in exercise_ids:
        variables = {"input": {"planId": plan["id"], "exercise": exercise(exercise_id)}}
        added = (await session.data(ADD_EXERCISE, variables))["addExercise"]
        assert added["userErrors"] == []
        version = added["plan"]["version"]
    return plan, PlanAt(raw_id(plan["id"]), version)


@dataclass(frozen=True, slots=True)
class Claimed:
    session_id: UUID
    reply_id: UUID
    message_id: UUID


class CoachDriver:
    """The coach worker's writes and live messages, done by hand."""

    def __init__(self, api: Api) -> None:
        self._handler = coaching_handler(api.settings, api.core.store)
        self._pubsub = api.pubsub

    async def claim(self, session_id: str, message_id: str) -> Claimed:
        now = datetime.now(UTC)
        claimed = Claimed(raw_id(session_id), uuid.uuid4(), raw_id(message_id))
        command = ClaimReply(
            session_id=claimed.session_id,
            reply_id=claimed.reply_id,
            message_id=claimed.message_id,
            provider="offline",
            model="test-coach",
            lease_until=now + timedelta(seconds=60),
            at=now,
        )
        await self._handler.handle(command, _metadata())
        return claimed

    async def publish(self, claimed: Claimed, signal: ReplySignal, **fields: Any) -> None:
        message = ReplyMessage(
            signal=signal, reply_id=claimed.reply_id, message_id=claimed.message_id, **fields
        )
        await self._pubsub.publish(reply_channel(claimed.session_id), message.to_json())

    async def complete(
        self,
        claimed: Claimed,
        text: str,
        suggestions: tuple[Suggestion, ...] = (),
        triggers: tuple[SafetyTrigger, ...] = (),
    ) -> int:
        """Appends the completed reply; its global position."""
        command = CompleteReply(
            session_id=claimed.session_id,
            reply_id=claimed.reply_id,
            text=text,
            suggestions=suggestions,
            triggers=triggers,
            confidence=0.75,
            usage=ReplyUsage(
                provider="offline", model="test-coach", input_tokens=120, output_tokens=40, latency_ms=12
            ),
            at=datetime.now(UTC),
        )
        return (await self._handler.handle(command, _metadata())).position

    async def answer(
        self, session_id: str, message_id: str, text: str, suggestions: tuple[Suggestion, ...] = ()
    ) -> Claimed:
        """A whole reply: claimed, streamed in two deltas, completed."""
        claimed = await self.claim(session_id, message_id)
        await self.publish(claimed, ReplySignal.STARTED, provider="offline")
        half = len(text) // 2
        await self.publish(claimed, ReplySignal.DELTA, seq=1, text=text[:half])
        await self.publish(claimed, ReplySignal.DELTA, seq=2, text=text[half:])
        position = await self.complete(claimed, text, suggestions)
        await self.publish(claimed, ReplySignal.COMPLETED, position=position)
        return claimed


def _metadata() -> CommandMetadata:
    command_id = uuid.uuid4()
    return CommandMetadata(command_id=command_id, correlation_id=command_id)
