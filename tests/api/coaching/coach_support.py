"""Support for the coaching API tests: the operations they send, and `CoachDriver`, which stands in for
the coach worker: it claims a message and completes its reply through the real command path
(`ClaimReply`, `CompleteReply` on the `COACHING` decider) and writes the reply into the served API's chat
feed with the worker's own `ReplyPublisher`."""

from __future__ import annotations

import dataclasses
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

from application.coaching.reply_publisher import ReplyPublisher
from application.handler import CommandMetadata
from domain.coaching.commands import ClaimReply, CompleteReply
from domain.coaching.events import CoachReplyStarted
from domain.coaching.values import PlanAt, ReplyUsage, SafetyTrigger, Suggestion, SuggestionKind
from domain.plans.values import PlannedExercise
from fitcoach.wiring.api import Api
from fitcoach.wiring.core import coaching_handler
from tests.api.graphql_client import Session, create_plan, exercise
from tests.api.live_support import assert_no_internal_errors, eventually, raw_id
from tests.api.socket_clients import SocketClient

ERRORS = "userErrors { field message code currentVersion retryAfterSeconds }"
SESSION_FIELDS = "id personality status messageCount startedAt endedAt plan { id } chatCursor"
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
    f" message {{ {MESSAGE_FIELDS} }} reply {{ {MESSAGE_FIELDS} }}"
    f" session {{ id messageCount }} {ERRORS} }} }}"
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
    "query($id: ID!) { node(id: $id) { id ... on CoachingSession { status }"
    " ... on CoachMessage { text messageStatus: status } } }"
)
USAGE = "query($day: Date) { coachUsage(day: $day) { day inputTokens outputTokens replies } }"
CHAT = """subscription($sessionId: ID!, $after: String) { coachChat(sessionId: $sessionId, after: $after) {
  cursor kind messageId replyId seq text provider
  message { id role text status provider suggestions { id } }
} }"""
CHAT_CURSOR = "query($id: ID!) { coachingSession(id: $id) { chatCursor } }"


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


async def chat_cursor(session: Session, session_id: str) -> str:
    """Where the session's chat events stand now (`CoachingSession.chatCursor`), once the read model shows
    the session (a session just started has it in `startCoachingSession`'s payload)."""
    found = await eventually(
        lambda: session.execute(CHAT_CURSOR, {"id": session_id}),
        lambda body: not body.get("errors") and body["data"]["coachingSession"] is not None,
    )
    cursor: str = found["data"]["coachingSession"]["chatCursor"]
    return cursor


def chat_event(result: dict[str, Any]) -> dict[str, Any]:
    assert not result.get("errors"), result
    event: dict[str, Any] = result["data"]["coachChat"]
    return event


async def chat_events_until(
    live: SocketClient,
    operation_id: str,
    *last: str,
    timeout: float = 10.0,  # noqa: ASYNC109
) -> list[dict[str, Any]]:
    """A coachChat subscription's events up to the first whose kind is one of `last`."""
    events: list[dict[str, Any]] = []
    while not events or events[-1]["kind"] not in last:
        events.append(chat_event(await live.result(operation_id, timeout=timeout)))
    return events


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
    attempt: int


class CoachDriver:
    """The coach worker's writes and live messages, done by hand."""

    def __init__(self, api: Api) -> None:
        self._handler = coaching_handler(api.settings, api.core.store)
        self._feed = api.chat_feed

    async def claim(self, session_id: str, message_id: str) -> Claimed:
        now = datetime.now(UTC)
        command = ClaimReply(
            session_id=raw_id(session_id),
            message_id=raw_id(message_id),
            provider="offline",
            model="test-coach",
            lease_until=now + timedelta(seconds=60),
            at=now,
        )
        [started] = (await self._handler.handle(command, _metadata())).events
        assert isinstance(started, CoachReplyStarted)
        return Claimed(started.session_id, started.reply_id, started.message_id, started.attempt)

    def publisher(self, claimed: Claimed) -> ReplyPublisher:
        """Writes the claimed reply into the chat feed, as the worker does."""
        return ReplyPublisher(self._feed, claimed.session_id, claimed.reply_id, claimed.message_id)

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
            attempt=claimed.attempt,
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
        """A whole reply: claimed, streamed in two frames, completed."""
        claimed = await self.claim(session_id, message_id)
        publisher = self.publisher(claimed)
        await publisher.started("offline")
        half = len(text) // 2
        for piece in (text[:half], text[half:]):
            await publisher.delta(piece)
            await publisher.flush()
        position = await self.complete(claimed, text, suggestions)
        await publisher.completed("offline", position)
        return claimed


def _metadata() -> CommandMetadata:
    command_id = uuid.uuid4()
    return CommandMetadata(command_id=command_id, correlation_id=command_id)
