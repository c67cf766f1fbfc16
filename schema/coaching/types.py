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
from domain.coaching.values import (
    Direction,
    Personality,
    SafetyAction,
    SafetyCategory,
    SafetyTrigger,
    SuggestionKind,
)
from schema.context import Info
from schema.ids import global_id
from schema.library.search import load_library_exercise
from schema.library.types import LibraryExercise
from schema.node import Node
from schema.pages import PageInfo, message_cursor, page_size, parse_message_cursor
from schema.plans.types import WorkoutPlan

# The domain's own enums, registered once here under their own names.
strawberry.enum(Personality, name="CoachPersonality", description="The coach's voice.")
strawberry.enum(SafetyAction, description="What the safety layer did, most drastic first.")
strawberry.enum(SafetyCategory, description="What the safety layer found.")
strawberry.enum(
    Direction,
    name="SafetyDirection",
    description="INPUT: the user's message, before the model; OUTPUT: the reply, after it.",
)
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


@strawberry.type(description="One thing the safety layer found on an exchange, and what it did about it.")
class CoachSafety:
    category: SafetyCategory
    action: SafetyAction
    message: str = strawberry.field(description="What was found or done, in our words (never the user's).")
    direction: Direction

    @classmethod
    def of(cls, trigger: SafetyTrigger) -> CoachSafety:
        return cls(
            category=trigger.category,
            action=trigger.action,
            message=trigger.note,
            direction=trigger.direction,
        )


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

    @strawberry.field(
        description="The library's exercise the suggestion adds, puts in place, updates or removes; null "
        "for a reordering, and for an exercise the library does not have."
    )
    async def exercise(self, info: Info) -> LibraryExercise | None:
        exercise_id = _exercise_id_of(self.view)
        if exercise_id is None:
            return None
        view = await load_library_exercise(info, exercise_id)
        return None if view is None else LibraryExercise.of(view)

    @strawberry.field(description="The id of `exercise` (as plans hold it), also when the library lacks it.")
    def exercise_id(self) -> str | None:
        return _exercise_id_of(self.view)

    @strawberry.field(description="The plan exercise id a replacement, update or removal is about.")
    def replaces(self) -> str | None:
        return self.view.replaces

    @strawberry.field(description="Of what it adds or puts in place, or after an update; else null.")
    def sets(self) -> int | None:
        return None if self.view.exercise is None else self.view.exercise.sets

    @strawberry.field
    def reps(self) -> int | None:
        return None if self.view.exercise is None else self.view.exercise.reps

    @strawberry.field
    def weight_kg(self) -> float | None:
        return None if self.view.exercise is None else self.view.exercise.weight_kg

    @strawberry.field
    def rest_seconds(self) -> int | None:
        return None if self.view.exercise is None else self.view.exercise.rest_seconds

    @strawberry.field(description="A reordering's plan exercise ids, in the new order; null for other kinds.")
    def order(self) -> list[str] | None:
        return list(self.view.order) if self.view.order else None

    @strawberry.field(
        description="The plan's version (as WorkoutPlan.version) the suggestion was made against; "
        "accepting an update or a reordering checks that what it changes is still as it was then."
    )
    def based_on_plan_version(self) -> int | None:
        return self.view.based_on_version

    @strawberry.field(description="Once accepted: the plan version it produced.")
    def plan_version(self) -> int | None:
        return self.view.plan_version


def _exercise_id_of(view: SuggestionView) -> str | None:
    """The exercise added, put in place or updated; a removal's is the one it removes."""
    return view.replaces if view.exercise is None else view.exercise.exercise_id


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

    @strawberry.field(
        description="What the safety layer found on this exchange, before and after the model, in the "
        "order recorded; empty when nothing triggered (and on user messages)."
    )
    def safety(self) -> list[CoachSafety]:
        return [CoachSafety.of(trigger) for trigger in self.view.safety]

    @strawberry.field(description="The most drastic action of `safety`, if any.")
    def safety_action(self) -> SafetyAction | None:
        return None if self.view.safety_action is None else SafetyAction(self.view.safety_action)

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
