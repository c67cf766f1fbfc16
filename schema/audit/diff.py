"""`PlanDiff`: what changed in a plan between two stream versions, typed as the domain's diff is
(`domain.plans.diff`), and who changed it."""

from __future__ import annotations

import enum
from uuid import UUID

import strawberry
from strawberry.scalars import JSON

from application.audit.plan_changes import PlanChanges
from application.plan_commands import exercise_view_of
from application.plan_reads import version_page
from domain.event_codec import to_json
from domain.plans.diff import ExerciseValue, PlanValue
from schema.audit.events import AuditEventConnection
from schema.pages import page_size, parse_event_cursor, parse_version_cursor
from schema.plans.types import Exercise, PlanVersionConnection

MAX_AUTHORS = 10


@strawberry.enum(description="A field of a plan that events change.")
class PlanField(enum.Enum):
    NAME = "name"
    DESCRIPTION = "description"
    DIFFICULTY = "difficulty"
    DURATION_MINUTES = "duration_minutes"
    ARCHIVED = "archived"
    UPDATED_AT = "updated_at"


@strawberry.enum(description="A field of a planned exercise (its id names it).")
class ExerciseField(enum.Enum):
    NAME = "name"
    SETS = "sets"
    REPS = "reps"
    WEIGHT_KG = "weight_kg"
    REST_SECONDS = "rest_seconds"
    TEMPO = "tempo"
    NOTES = "notes"
    ALTERNATIVES = "alternatives"


@strawberry.type
class PlanFieldChange:
    field: PlanField
    before: JSON | None
    after: JSON | None


@strawberry.type
class ExerciseFieldChange:
    field: ExerciseField
    before: JSON | None
    after: JSON | None


@strawberry.type
class AddedExercise:
    position: int = strawberry.field(description="Its place in the plan afterwards, from 1.")
    exercise: Exercise


@strawberry.type
class ChangedExercise:
    exercise_id: str
    fields: list[ExerciseFieldChange]


@strawberry.type(description="Who wrote events between the two versions.")
class ChangeAuthor:
    actor: str = strawberry.field(description="user, ai_coach or system.")
    user_id: UUID | None = strawberry.field(description="The signed-in user the commands were issued for.")
    events: int = strawberry.field(description="How many of the events in between are theirs.")


def _json(value: PlanValue | ExerciseValue) -> JSON:
    return JSON(to_json(value))


@strawberry.type(description="What changed in a plan from one stream version to a later one, and who did it.")
class PlanDiff:
    changes: strawberry.Private[PlanChanges]

    @strawberry.field
    def from_version(self) -> int:
        return self.changes.from_version

    @strawberry.field
    def to_version(self) -> int:
        return self.changes.to_version

    @strawberry.field(description="The plan's own fields that changed.")
    def fields(self) -> list[PlanFieldChange]:
        return [
            PlanFieldChange(field=PlanField(c.field), before=_json(c.before), after=_json(c.after))
            for c in self.changes.diff.fields
        ]

    @strawberry.field(description="Exercises in the plan before and not after, as they were.")
    def removed(self) -> list[Exercise]:
        return [Exercise.of(exercise_view_of(e)) for e in self.changes.diff.removed]

    @strawberry.field(description="Exercises in the plan after and not before, by their place.")
    def added(self) -> list[AddedExercise]:
        return [
            AddedExercise(position=a.index + 1, exercise=Exercise.of(exercise_view_of(a.exercise)))
            for a in self.changes.diff.added
        ]

    @strawberry.field(description="Exercises in the plan before and after whose fields differ.")
    def changed(self) -> list[ChangedExercise]:
        return [
            ChangedExercise(
                exercise_id=c.exercise_id,
                fields=[
                    ExerciseFieldChange(
                        field=ExerciseField(f.field), before=_json(f.before), after=_json(f.after)
                    )
                    for f in c.fields
                ],
            )
            for c in self.changes.diff.changed
        ]

    @strawberry.field(
        description="The exercises kept throughout, in their new order; null when their order stayed."
    )
    def reordered(self) -> list[str] | None:
        reordered = self.changes.diff.reordered
        return None if reordered is None else list(reordered)

    @strawberry.field(description="Versions saved in between, oldest first.")
    def versions_added(self, first: int | None = None, after: str | None = None) -> PlanVersionConnection:
        after_number = parse_version_cursor(after) if after is not None else None
        page = version_page(self.changes.saved_versions, limit=page_size(first), after=after_number)
        return PlanVersionConnection.of(page)

    @strawberry.field(
        description=f"Who wrote the events in between, in the order they first did (at most {MAX_AUTHORS})."
    )
    def changed_by(self) -> list[ChangeAuthor]:
        return [
            ChangeAuthor(actor=a.actor, user_id=a.user_id, events=a.events)
            for a in self.changes.authors[:MAX_AUTHORS]
        ]

    @strawberry.field(description="The events in between, oldest first.")
    def events(self, first: int | None = None, after: str | None = None) -> AuditEventConnection:
        limit = page_size(first)
        after_version = parse_event_cursor(after) if after is not None else self.changes.from_version
        chosen = [r for r in self.changes.events if r.version > after_version]
        return AuditEventConnection.of_records(
            chosen[:limit],
            len(self.changes.events),
            len(chosen) > limit,
            after_version > self.changes.from_version,
        )
