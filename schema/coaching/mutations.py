"""Coaching mutations: parse the input, dispatch to the coaching services, return what the write left
plus `userErrors` (the domain's stable codes). A coach rate limit is a user error too (RATE_LIMITED, with
`retryAfterSeconds`): the limit is per field, so the other fields of the document keep their results."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import TypeVar
from uuid import UUID

import strawberry

from application.coaching.limits import CoachRateLimited
from domain.coaching.values import Personality
from domain.errors import DomainError
from schema.coaching.types import CoachingSession, CoachMessage
from schema.context import Info
from schema.errors import BadUserInput, UserError, user_error_of
from schema.ids import parse_global_id
from schema.plans.inputs import COMMAND_ID
from schema.plans.types import WorkoutPlan

T = TypeVar("T")


@strawberry.input
class StartCoachingSessionInput:
    personality: Personality = Personality.MOTIVATOR
    plan_id: strawberry.ID | None = strawberry.field(
        default=None, description="One of your plans the session is about (suggestions change it)."
    )
    command_id: UUID | None = strawberry.field(default=None, description=COMMAND_ID)


@strawberry.input
class SendCoachMessageInput:
    session_id: strawberry.ID
    text: str = strawberry.field(description="At most 4,000 characters.")
    client_message_id: str | None = strawberry.field(
        default=None,
        description="The client's own id for the message (at most 100 characters): an offline client "
        "sending it again adds nothing and gets the first message back.",
    )
    command_id: UUID | None = strawberry.field(default=None, description=COMMAND_ID)


@strawberry.input
class AcceptSuggestionInput:
    session_id: strawberry.ID
    suggestion_id: strawberry.ID
    expected_version: int | None = strawberry.field(
        default=None, description="The plan's version you saw; a stale one gives a CONFLICT user error."
    )
    command_id: UUID | None = strawberry.field(default=None, description=COMMAND_ID)


@strawberry.input
class RejectSuggestionInput:
    session_id: strawberry.ID
    suggestion_id: strawberry.ID
    reason: str = strawberry.field(default="", description="At most 500 characters.")
    command_id: UUID | None = strawberry.field(default=None, description=COMMAND_ID)


@strawberry.input
class EndCoachingSessionInput:
    session_id: strawberry.ID
    command_id: UUID | None = strawberry.field(default=None, description=COMMAND_ID)


@strawberry.type
class CoachingSessionPayload:
    session: CoachingSession | None = strawberry.field(description="As this write left it; null on failure.")
    user_errors: list[UserError]


@strawberry.type
class SendCoachMessagePayload:
    message: CoachMessage | None = strawberry.field(
        description="Your message, PENDING until the coach answers; its reply streams on coachChat."
    )
    reply: CoachMessage | None = strawberry.field(
        description="The coach's reply to it, PENDING: its id is the one the reply streams under, and "
        "node(id) and the session's messages show it from now on. For a message sent again (same "
        "clientMessageId or commandId): the reply as it is now."
    )
    session: CoachingSession | None
    user_errors: list[UserError]


@strawberry.type
class AcceptSuggestionPayload:
    plan: WorkoutPlan | None = strawberry.field(description="The plan with the suggestion applied.")
    session: CoachingSession | None
    user_errors: list[UserError]


def _session_id(raw: str) -> UUID:
    return parse_global_id(raw, expect="CoachingSession", field="input.sessionId")[1]


def _suggestion_id(raw: str) -> UUID:
    try:
        return UUID(raw)
    except ValueError:
        raise BadUserInput("input.suggestionId is not a valid id", field="input.suggestionId") from None


async def _attempt(run: Callable[[], Awaitable[T]]) -> T | list[UserError]:
    """The result, or the user errors of an expected failure."""
    try:
        return await run()
    except DomainError as error:
        return [user_error_of(error)]
    except BadUserInput as error:
        field = str(error.extensions.get("field") or "input")
        return [UserError(field=field, message=str(error), code=error.code)]
    except CoachRateLimited as limited:
        return [
            UserError(
                field=None,
                message=str(limited),
                code="RATE_LIMITED",
                retry_after_seconds=limited.retry_after_seconds,
            )
        ]


@strawberry.type
class CoachingMutations:
    @strawberry.mutation(
        description="Start a conversation with the coach, optionally about one of your plans."
    )
    async def start_coaching_session(
        self, info: Info, input: StartCoachingSessionInput
    ) -> CoachingSessionPayload:
        context = info.context
        viewer = context.require_viewer()

        async def run() -> CoachingSession:
            plan_id = (
                None
                if input.plan_id is None
                else parse_global_id(input.plan_id, expect="WorkoutPlan", field="input.planId")[1]
            )
            written = await context.services.coaching.start(
                viewer.requester,
                personality=input.personality,
                plan_id=plan_id,
                command_id=input.command_id,
                at=context.now(),
            )
            return CoachingSession.of(written.session)

        outcome = await _attempt(run)
        if isinstance(outcome, list):
            return CoachingSessionPayload(session=None, user_errors=outcome)
        return CoachingSessionPayload(session=outcome, user_errors=[])

    @strawberry.mutation(
        description="Send the coach a message. Returns at once with your message and the coach's pending "
        "reply; the reply is generated by the coach worker and streams on the coachChat subscription."
    )
    async def send_coach_message(self, info: Info, input: SendCoachMessageInput) -> SendCoachMessagePayload:
        context = info.context
        viewer = context.require_viewer()

        async def run() -> tuple[CoachMessage, CoachMessage | None, CoachingSession]:
            sent = await context.services.coaching.send(
                viewer.requester,
                _session_id(input.session_id),
                input.text,
                client_message_id=input.client_message_id,
                command_id=input.command_id,
                at=context.now(),
            )
            reply = sent.reply
            if sent.repeated and reply is not None:  # it may have moved on since: the read model knows
                reply = await context.services.coaching_reads.message(reply.id) or reply
            return (
                CoachMessage.of(sent.message),
                None if reply is None else CoachMessage.of(reply),
                CoachingSession.of(sent.session),
            )

        outcome = await _attempt(run)
        if isinstance(outcome, list):
            return SendCoachMessagePayload(message=None, reply=None, session=None, user_errors=outcome)
        message, reply, session = outcome
        return SendCoachMessagePayload(message=message, reply=reply, session=session, user_errors=[])

    @strawberry.mutation(
        description="Apply a suggestion to the session's plan (a new saved version names it). A suggestion "
        "the plan no longer fits stays open and gives STALE_SUGGESTION."
    )
    async def accept_suggestion(self, info: Info, input: AcceptSuggestionInput) -> AcceptSuggestionPayload:
        context = info.context
        viewer = context.require_viewer()

        async def run() -> tuple[WorkoutPlan, CoachingSession]:
            applied = await context.services.suggestions.accept(
                viewer.requester,
                _session_id(input.session_id),
                _suggestion_id(input.suggestion_id),
                expected_version=input.expected_version,
                command_id=input.command_id,
                at=context.now(),
            )
            plan = WorkoutPlan.of(applied.plan.plan, applied.plan.versions)
            return plan, CoachingSession.of(applied.session.session)

        outcome = await _attempt(run)
        if isinstance(outcome, list):
            return AcceptSuggestionPayload(plan=None, session=None, user_errors=outcome)
        plan, session = outcome
        return AcceptSuggestionPayload(plan=plan, session=session, user_errors=[])

    @strawberry.mutation(description="Record that you do not want a suggestion.")
    async def reject_suggestion(self, info: Info, input: RejectSuggestionInput) -> CoachingSessionPayload:
        context = info.context
        viewer = context.require_viewer()

        async def run() -> CoachingSession:
            written = await context.services.coaching.reject(
                viewer.requester,
                _session_id(input.session_id),
                _suggestion_id(input.suggestion_id),
                reason=input.reason,
                command_id=input.command_id,
                at=context.now(),
            )
            return CoachingSession.of(written.session)

        outcome = await _attempt(run)
        if isinstance(outcome, list):
            return CoachingSessionPayload(session=None, user_errors=outcome)
        return CoachingSessionPayload(session=outcome, user_errors=[])

    @strawberry.mutation(description="End a session: it takes no more messages.")
    async def end_coaching_session(
        self, info: Info, input: EndCoachingSessionInput
    ) -> CoachingSessionPayload:
        context = info.context
        viewer = context.require_viewer()

        async def run() -> CoachingSession:
            written = await context.services.coaching.end(
                viewer.requester, _session_id(input.session_id), command_id=input.command_id, at=context.now()
            )
            return CoachingSession.of(written.session)

        outcome = await _attempt(run)
        if isinstance(outcome, list):
            return CoachingSessionPayload(session=None, user_errors=outcome)
        return CoachingSessionPayload(session=outcome, user_errors=[])
