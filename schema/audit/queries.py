"""The auditors' queries, for admins only (anyone else: FORBIDDEN): a stream's events, a plan as it was at
a version or a time, and what changed in a plan between two versions. Bad input is BAD_USER_INPUT, an
unknown stream or plan NOT_FOUND, each with its stable `reason` (`schema.audit.errors`)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry

from application.audit.streams import PointInTime
from schema.audit.diff import PlanDiff
from schema.audit.errors import audit_errors, require_admin
from schema.audit.events import AuditEventConnection
from schema.context import Info
from schema.ids import parse_global_id
from schema.pages import page_size, parse_event_cursor
from schema.plans.types import WorkoutPlan

POINT_ARGUMENTS = {"version": "version", "at": "at", "stream": "id"}
RANGE_ARGUMENTS = {"from": "fromVersion", "to": "toVersion", "stream": "id"}


@strawberry.type
class AuditQueries:
    @strawberry.field(description="A stream's events, oldest first. Admins only.")
    async def stream_events(
        self,
        info: Info,
        stream: Annotated[
            str,
            strawberry.argument(
                description="A stream's name (workout-<id>, library-<exerciseId>, ...), or the id (a UUID) "
                "of a workout plan, user or coaching session."
            ),
        ],
        first: int | None = None,
        after: str | None = None,
    ) -> AuditEventConnection:
        require_admin(info)
        limit = page_size(first)
        after_version = parse_event_cursor(after) if after is not None else None
        with audit_errors({}):
            page = await info.context.services.audit.histories.page(stream, limit=limit, after=after_version)
        return AuditEventConnection.of(page)

    @strawberry.field(
        description="A plan as it was at a stream version, or at a time (its events recorded by then): "
        "give exactly one. Admins only."
    )
    async def plan_at(
        self, info: Info, id: strawberry.ID, version: int | None = None, at: datetime | None = None
    ) -> WorkoutPlan | None:
        require_admin(info)
        _, plan_id = parse_global_id(id, expect="WorkoutPlan")
        with audit_errors(POINT_ARGUMENTS):
            found = await info.context.services.audit.time_travel.plan_at(
                plan_id, PointInTime.of(version, at)
            )
        return WorkoutPlan.of(found.view, found.versions)

    @strawberry.field(
        description="What changed in a plan from one stream version to a later (or the same) one, and who "
        "changed it. Admins only."
    )
    async def plan_diff(self, info: Info, id: strawberry.ID, from_version: int, to_version: int) -> PlanDiff:
        require_admin(info)
        _, plan_id = parse_global_id(id, expect="WorkoutPlan")
        with audit_errors(RANGE_ARGUMENTS):
            changes = await info.context.services.audit.plan_diffs.changes(plan_id, from_version, to_version)
        return PlanDiff(changes=changes)
