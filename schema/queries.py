"""Queries: thin resolvers that read a read model through the request's loaders and check ownership."""

from __future__ import annotations

from typing import Annotated
from uuid import UUID

import strawberry

from application.plan_reads import PageCursor
from application.plan_views import PlanView
from domain.library.values import Category, Equipment, Level, MovementPattern, Muscle
from schema.accounts.types import User, viewer_user
from schema.audit.queries import AuditQueries
from schema.audit.verify import AuditVerifyQueries
from schema.coaching.queries import CoachingQueries, coaching_node
from schema.context import Info, Viewer
from schema.errors import NotFound
from schema.ids import LIBRARY_EXERCISE, parse_global_id, parse_node_id
from schema.library.search import LibraryExerciseConnection, library_exercise, search_exercises
from schema.library.types import LibraryExercise
from schema.node import Node
from schema.pages import PageInfo, page_size, parse_plan_cursor, plan_cursor
from schema.plans.types import WorkoutPlan


@strawberry.type
class WorkoutPlanEdge:
    cursor: str
    node: WorkoutPlan


@strawberry.type
class WorkoutPlanConnection:
    edges: list[WorkoutPlanEdge]
    page_info: PageInfo


def may_see(viewer: Viewer, owner_id: UUID) -> bool:
    return viewer.user_id == owner_id or viewer.is_admin


async def visible_plan(info: Info, plan_id: UUID) -> PlanView:
    """The plan if the viewer may see it; NotFound otherwise, so others' ids cannot be probed."""
    viewer = info.context.require_viewer()
    view: PlanView | None = await info.context.loaders.plans.load(plan_id)
    if view is None or not may_see(viewer, view.user_id):
        raise NotFound("no workout plan with that id")
    return view


@strawberry.type
class Query(CoachingQueries, AuditQueries, AuditVerifyQueries):
    @strawberry.field(description="The signed-in user.")
    async def me(self, info: Info) -> User:
        return await viewer_user(info)

    @strawberry.field
    async def node(self, info: Info, id: strawberry.ID) -> Node | None:
        viewer = info.context.require_viewer()
        if parse_node_id(id)[0] == LIBRARY_EXERCISE:
            return await library_exercise(info, id)
        type_name, raw = parse_global_id(id)
        if type_name in ("CoachingSession", "CoachMessage"):
            return await coaching_node(info, type_name, raw)
        if type_name == "WorkoutPlan":
            return WorkoutPlan.of(await visible_plan(info, raw))
        if not may_see(viewer, raw):
            raise NotFound("no user with that id")
        view = await info.context.loaders.users.load(raw)
        if view is None:
            raise NotFound("no user with that id")
        return User.of(view)

    @strawberry.field
    async def workout_plan(self, info: Info, id: strawberry.ID) -> WorkoutPlan:
        _, plan_id = parse_global_id(id, expect="WorkoutPlan")
        return WorkoutPlan.of(await visible_plan(info, plan_id))

    @strawberry.field(
        description="Exercises of the library, retired ones left out: ranked by relevance to `search` (full "
        "text, typos forgiven), else by name. Every other argument narrows the result. `availableTo: true` "
        "keeps what the signed-in viewer has the equipment for and their injuries allow (see "
        "`restrictions`)."
    )
    async def exercises(
        self,
        info: Info,
        search: str | None = None,
        muscles: Annotated[
            list[Muscle] | None, strawberry.argument(description="Any of these among the primary muscles.")
        ] = None,
        equipment: Annotated[
            list[Equipment] | None, strawberry.argument(description="Uses any of these.")
        ] = None,
        level: Level | None = None,
        category: Category | None = None,
        pattern: MovementPattern | None = None,
        exclude_contraindications: Annotated[
            list[str] | None,
            strawberry.argument(description="Contraindication tags none of the exercises may carry."),
        ] = None,
        available_to: Annotated[
            bool | None,
            strawberry.argument(description="True: only what the signed-in viewer may do (sign-in needed)."),
        ] = None,
        first: int | None = None,
        after: str | None = None,
    ) -> LibraryExerciseConnection:
        return await search_exercises(
            info,
            search=search,
            muscles=muscles,
            equipment=equipment,
            level=level,
            category=category,
            pattern=pattern,
            exclude_contraindications=exclude_contraindications,
            available_to=available_to,
            first=first,
            after=after,
        )

    @strawberry.field(description="A library exercise by its id, retired or not.")
    async def exercise(self, info: Info, id: strawberry.ID) -> LibraryExercise:
        return await library_exercise(info, id)

    @strawberry.field(description="The signed-in user's plans, most recently changed first.")
    async def workout_plans(
        self,
        info: Info,
        first: int | None = None,
        after: str | None = None,
        active: bool | None = None,
    ) -> WorkoutPlanConnection:
        viewer = info.context.require_viewer()
        limit = page_size(first)
        cursor = parse_plan_cursor(after) if after is not None else None
        page = await info.context.services.plan_reads.user_plans(
            viewer.user_id, limit=limit, after=cursor, active=active
        )
        info.context.loaders.prime_plans(page.plans)
        edges = [
            WorkoutPlanEdge(cursor=plan_cursor(_cursor_of(view)), node=WorkoutPlan.of(view))
            for view in page.plans
        ]
        page_info = PageInfo(
            has_next_page=page.next is not None,
            has_previous_page=cursor is not None,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        )
        return WorkoutPlanConnection(edges=edges, page_info=page_info)


def _cursor_of(view: PlanView) -> PageCursor:
    return PageCursor(view.updated_at, view.id)
