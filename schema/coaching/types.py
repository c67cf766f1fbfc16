"""GraphQL object types of the AI coach: `CoachingSession` and `CoachMessage` (both `Node`s), the
suggestions and safety information a reply carries, and a day's usage. Each wraps a read-model view
(or, from a mutation, the view of the write itself)."""

from __future__ import annotations

import enum
from datetime import date, datetime

import strawberry

from application.coaching.views import (
    CoachingMessageView,
    CoachingSessionView,
    CoachUsageView,
    MessagePage,
    SuggestionView,
)
from domain.coaching.values import Personality, SafetyAction, SuggestionKind
from schema.context import Info
from schema.ids import global_id
from schema.node import Node
from schema.pages import PageInfo, message_cursor, page_size, parse_message_cursor
from schema.plans.types import Exercise, WorkoutPlan

# The domain's own enums, registered once here under their own names.
strawberry.enum(Personality, name="CoachPersonality", description="The coach's voice.")
strawberry.enum(SafetyAction, description="What the safety layer did, most drastic first.")
strawberry.enum(SuggestionKind, description="The plan change a suggestion proposes.")


@strawberry.enum(
    description="PENDING: waiting for the coach; STREAMING: being written; then COMPLETE or FAILED."
)
class CoachMessageStatus(enum.Enum):
    PENDING = "pending"
    STREAMING = "streaming"
    COMPLETE = "complete"
    FAILED = "failed"


_STATUS = {
    "waiting": CoachMessageStatus.PENDING,
    "answered": CoachMessageStatus.COMPLETE,
    "generating": CoachMessageStatus.STREAMING,
    "completed": CoachMessageStatus.COMPLETE,
    "failed": CoachMessageStatus.FAILED,
}


@strawberry.enum
class CoachMessageRole(enum.Enum):
    USER = "user"
    COACH = "coach"


@strawberry.enum
class CoachingSessionStatus(enum.Enum):
    ACTIVE = "active"
    ENDED = "ended"


@strawberry.enum
class SuggestionStatus(enum.Enum):
    OPEN = "open"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


@strawberry.type(description="What the safety layer did on this exchange, before and after the model.")
class CoachSafety:
    action: SafetyAction = strawberry.field(description="The most drastic action taken.")
    notes: list[str]


@strawberry.type(description="A plan change the coach proposes; the user accepts or rejects it.")
class CoachSuggestion:
    view: strawberry.Private[SuggestionView]

    @strawberry.field(description="Pass it to acceptSuggestion or rejectSuggestion.")
    def id(self) -> strawberry.ID:
        return strawberry.ID(str(self.view.suggestion_id))

    @strawberry.field
    def kind(self) -> SuggestionKind:
        return SuggestionKind(self.view.kind)

    @strawberry.field
    def status(self) -> SuggestionStatus:
        return SuggestionStatus(self.view.status)

    @strawberry.field(description="Why the coach proposes it.")
    def rationale(self) -> str:
        return self.view.reason

    @strawberry.field(description="What to add, or what replaces `replaces`; null for a removal.")
    def exercise(self) -> Exercise | None:
        return None if self.view.exercise is None else Exercise.of(self.view.exercise)

    @strawberry.field(description="The plan exercise a replacement or removal is about.")
    def replaces(self) -> str | None:
        return self.view.replaces

    @strawberry.field
    def sets(self) -> int | None:
        return None if self.view.exercise is None else self.view.exercise.sets

    @strawberry.field
    def reps(self) -> int | None:
        return None if self.view.exercise is None else self.view.exercise.reps

    @strawberry.field
    def weight_kg(self) -> float | None:
        return None if self.view.exercise is None else self.view.exercise.weight_kg

    @strawberry.field(description="Once accepted: the plan version it produced.")
    def plan_version(self) -> int | None:
        return self.view.plan_version


@strawberry.type(description="A message of a coaching session: the user's, or the coach's reply.")
class CoachMessage(Node):
    view: strawberry.Private[CoachingMessageView]

    @classmethod
    def of(cls, view: CoachingMessageView) -> CoachMessage:
        return cls(id=strawberry.ID(global_id("CoachMessage", view.id)), view=view)

    @strawberry.field
    def role(self) -> CoachMessageRole:
        return CoachMessageRole(self.view.role)

    @strawberry.field(description="A reply's text is empty until it is COMPLETE (its deltas stream live).")
    def text(self) -> str:
        return self.view.text

    @strawberry.field
    def status(self) -> CoachMessageStatus:
        return _STATUS.get(self.view.status, CoachMessageStatus.PENDING)

    @strawberry.field(description="The user message a reply answers.")
    def in_reply_to(self) -> strawberry.ID | None:
        reply_to = self.view.in_reply_to
        return None if reply_to is None else strawberry.ID(global_id("CoachMessage", reply_to))

    @strawberry.field
    def created_at(self) -> datetime:
        return self.view.created_at

    @strawberry.field
    def completed_at(self) -> datetime | None:
        return self.view.completed_at

    @strawberry.field(description="Who answered (after any fallback), e.g. anthropic or offline.")
    def provider(self) -> str | None:
        return self.view.provider

    @strawberry.field
    def model(self) -> str | None:
        return self.view.model

    @strawberry.field
    def confidence(self) -> float | None:
        return self.view.confidence

    @strawberry.field
    def safety(self) -> CoachSafety | None:
        if self.view.safety_action is None:
            return None
        return CoachSafety(action=SafetyAction(self.view.safety_action), notes=list(self.view.safety_notes))

    @strawberry.field
    def suggestions(self) -> list[CoachSuggestion]:
        return [CoachSuggestion(view=suggestion) for suggestion in self.view.suggestions]


@strawberry.type
class CoachMessageEdge:
    cursor: str
    node: CoachMessage


@strawberry.type
class CoachMessageConnection:
    edges: list[CoachMessageEdge]
    page_info: PageInfo

    @classmethod
    def of(cls, page: MessagePage, *, after: int | None) -> CoachMessageConnection:
        edges = [
            CoachMessageEdge(cursor=message_cursor(view.order), node=CoachMessage.of(view))
            for view in page.messages
        ]
        page_info = PageInfo(
            has_next_page=page.next is not None,
            has_previous_page=after is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        )
        return cls(edges=edges, page_info=page_info)


@strawberry.type(description="A conversation between a user and the AI coach.")
class CoachingSession(Node):
    view: strawberry.Private[CoachingSessionView]

    @classmethod
    def of(cls, view: CoachingSessionView) -> CoachingSession:
        return cls(id=strawberry.ID(global_id("CoachingSession", view.id)), view=view)

    @strawberry.field
    def personality(self) -> Personality:
        return Personality(self.view.personality)

    @strawberry.field
    def status(self) -> CoachingSessionStatus:
        return CoachingSessionStatus(self.view.status)

    @strawberry.field(description="The user's messages so far (replies not counted).")
    def message_count(self) -> int:
        return self.view.message_count

    @strawberry.field
    def started_at(self) -> datetime:
        return self.view.started_at

    @strawberry.field
    def updated_at(self) -> datetime:
        return self.view.updated_at

    @strawberry.field
    def ended_at(self) -> datetime | None:
        return self.view.ended_at

    @strawberry.field(description="The plan the session is about, if any (and if it is still visible).")
    async def plan(self, info: Info) -> WorkoutPlan | None:
        if self.view.plan_id is None:
            return None
        plan = await info.context.loaders.plans.load(self.view.plan_id)
        return None if plan is None or plan.user_id != self.view.user_id else WorkoutPlan.of(plan)

    @strawberry.field(description="The messages and replies, oldest first.")
    async def messages(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> CoachMessageConnection:
        limit = page_size(first)
        position = parse_message_cursor(after) if after is not None else None
        page = await info.context.services.coaching_reads.messages(self.view.id, limit=limit, after=position)
        return CoachMessageConnection.of(page, after=position)

    @strawberry.field(
        description="Where the chat's events stand now. Read `messages` in a later request and follow "
        "coachChat after this cursor: together they miss nothing."
    )
    async def chat_cursor(self, info: Info) -> str:
        return (await info.context.services.coaching_reads.chat_cursor(self.view.id)).text()


@strawberry.type(description="The coach's tokens for a user on a UTC day.")
class CoachUsage:
    day: date
    input_tokens: int
    output_tokens: int
    replies: int

    @classmethod
    def of(cls, view: CoachUsageView) -> CoachUsage:
        return cls(
            day=view.day,
            input_tokens=view.input_tokens,
            output_tokens=view.output_tokens,
            replies=view.replies,
        )
