"""GraphQL object types of workout plans. Each wraps a read-model view and resolves relations through
the request's dataloaders, so a page of plans costs the same few SQL statements as one plan."""

from __future__ import annotations

from datetime import datetime

import strawberry

from application.plan_reads import VersionPage, version_page
from application.plan_views import ExerciseView, PlanView, VersionView
from schema.accounts.types import User
from schema.audit.history import PlanHistoryConnection, plan_history
from schema.context import Info
from schema.ids import global_id
from schema.library.search import load_library_exercise
from schema.library.types import LibraryExercise
from schema.loaders import VersionPageKey
from schema.node import Node
from schema.pages import PageInfo, page_info, page_size, parse_version_cursor, version_cursor
from schema.plans.actors import ActorKind


@strawberry.type
class Exercise:
    exercise_id: str = strawberry.field(description="The catalogue id, e.g. Barbell_Squat.")
    name: str
    sets: int
    reps: int
    weight_kg: float
    rest_seconds: int
    tempo: str | None
    notes: str
    alternatives: list[str]

    @strawberry.field(
        description="The library's entry for `exerciseId` (retired ones too); null when the library has no "
        "such exercise, as for plans written before it."
    )
    async def library_exercise(self, info: Info) -> LibraryExercise | None:
        view = await load_library_exercise(info, self.exercise_id)
        return None if view is None else LibraryExercise.of(view)

    @classmethod
    def of(cls, view: ExerciseView) -> Exercise:
        return cls(
            exercise_id=view.exercise_id,
            name=view.name,
            sets=view.sets,
            reps=view.reps,
            weight_kg=view.weight_kg,
            rest_seconds=view.rest_seconds,
            tempo=view.tempo,
            notes=view.notes,
            alternatives=list(view.alternatives),
        )


@strawberry.type
class PlanVersion:
    version_number: int
    parent_version: int | None
    change_description: str
    changed_by: ActorKind
    created_at: datetime
    exercises: list[Exercise]

    @classmethod
    def of(cls, view: VersionView) -> PlanVersion:
        return cls(
            version_number=view.version_number,
            parent_version=view.parent_version,
            change_description=view.change_description,
            changed_by=ActorKind(view.changed_by),
            created_at=view.created_at,
            exercises=[Exercise.of(exercise) for exercise in view.exercises],
        )


@strawberry.type
class PlanVersionEdge:
    cursor: str
    node: PlanVersion


@strawberry.type
class PlanVersionConnection:
    edges: list[PlanVersionEdge]
    page_info: PageInfo
    total_count: int

    @classmethod
    def of(cls, page: VersionPage) -> PlanVersionConnection:
        edges = [
            PlanVersionEdge(cursor=version_cursor(version.version_number), node=PlanVersion.of(version))
            for version in page.versions
        ]
        cursors = [edge.cursor for edge in edges]
        info = page_info(cursors, has_next=page.has_next, has_previous=page.has_previous)
        return cls(edges=edges, page_info=info, total_count=page.total)


@strawberry.type(description="A workout plan: an event-sourced aggregate, read from its read model.")
class WorkoutPlan(Node):
    view: strawberry.Private[PlanView]
    written_versions: strawberry.Private[tuple[VersionView, ...] | None] = None
    """Set when the plan comes from a mutation: the versions as of that write, not the read model's."""

    @classmethod
    def of(cls, view: PlanView, versions: tuple[VersionView, ...] | None = None) -> WorkoutPlan:
        return cls(id=strawberry.ID(global_id("WorkoutPlan", view.id)), view=view, written_versions=versions)

    @strawberry.field
    def name(self) -> str:
        return self.view.name

    @strawberry.field
    def description(self) -> str:
        return self.view.description

    @strawberry.field
    def difficulty_level(self) -> str:
        return self.view.difficulty_level

    @strawberry.field
    def duration_minutes(self) -> int:
        return self.view.duration_minutes

    @strawberry.field(description="The plan's stream version: send it back as `expectedVersion`.")
    def version(self) -> int:
        return self.view.version

    @strawberry.field(description="The newest saved version number, if any version was saved.")
    def latest_version_number(self) -> int | None:
        return self.view.latest_version_number

    @strawberry.field
    def is_active(self) -> bool:
        return self.view.is_active

    @strawberry.field
    def created_by(self) -> ActorKind:
        return ActorKind(self.view.created_by)

    @strawberry.field
    def created_at(self) -> datetime:
        return self.view.created_at

    @strawberry.field
    def updated_at(self) -> datetime:
        return self.view.updated_at

    @strawberry.field
    def exercises(self) -> list[Exercise]:
        return [Exercise.of(exercise) for exercise in self.view.exercises]

    @strawberry.field(description="Saved versions, oldest first.")
    async def versions(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> PlanVersionConnection:
        limit = page_size(first)
        after_number = parse_version_cursor(after) if after is not None else None
        if self.written_versions is not None:
            page = version_page(self.written_versions, limit=limit, after=after_number)
        else:
            # As of this state of the plan: a version saved since it was read is not part of it yet.
            as_of = self.view.latest_version_number or 0
            key = VersionPageKey(self.view.id, limit, after_number, as_of)
            page = await info.context.loaders.version_pages.load(key)
        return PlanVersionConnection.of(page)

    @strawberry.field(
        description="The plan's events, oldest first, up to this state of the plan: what changed, when, by "
        "whom (the user or the AI coach)."
    )
    async def history(
        self, info: Info, first: int | None = None, after: str | None = None
    ) -> PlanHistoryConnection:
        return await plan_history(info, self.view, first, after)

    @strawberry.field
    async def owner(self, info: Info) -> User | None:
        view = await info.context.loaders.users.load(self.view.user_id)
        return User.of(view) if view is not None else None
