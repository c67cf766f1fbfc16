"""Subscriptions: a plan pushed to every device watching it, whichever replica the change went through.

The projector publishes `plan-changed:{planId}` after each commit (Redis pub/sub across replicas, in
process for the embedded default); each subscriber then reads the committed plan from the read model.
Versions only move forward: a notification older than what the client already has is skipped. Each
push re-checks the viewer's session and reads through fresh loaders (nothing it sends is older than the
change it reports).
"""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from application.plan_changes import plan_changed_channel
from schema.context import Info, Viewer
from schema.errors import NotFound
from schema.ids import parse_global_id
from schema.plans.types import WorkoutPlan
from schema.queries import may_see


async def live_viewer(info: Info) -> Viewer:
    """The viewer as of now: a subscription outlives sign-outs, role changes and its access token, so the
    session is checked again before each push (Unauthenticated once it has ended)."""
    context = info.context
    viewer = context.require_viewer()
    return viewer if context.session is None else await context.session.viewer_now()


WORKOUT_PLAN_CHANGED = (
    "The plan, now and after every change, by any device or the coach. Each push is the plan's latest "
    "state, so in a burst of changes some versions may be skipped; a client that needs every change "
    "reads the plan's `versions` connection after the version it last saw."
)


@strawberry.type
class PlanSubscription:
    @strawberry.subscription(description=WORKOUT_PLAN_CHANGED)
    async def workout_plan_changed(self, info: Info, plan_id: strawberry.ID) -> AsyncGenerator[WorkoutPlan]:
        viewer = info.context.require_viewer()  # checked as the operation started
        _, raw = parse_global_id(plan_id, expect="WorkoutPlan", field="planId")
        services = info.context.services
        owner = await services.plan_commands.owner_of(raw)  # a plan's owner never changes
        if owner is None or not may_see(viewer, owner):
            raise NotFound("no workout plan with that id")
        async with services.pubsub.subscribe(plan_changed_channel(raw)) as messages:
            # Read once subscribed, so a change committed in between is not missed. A plan created a
            # moment ago may not be in the read model yet: its first notification brings it.
            seen = 0
            current = await services.plan_reads.committed_plan(raw)
            if current is not None:
                seen = current.version
                yield WorkoutPlan.of(current)
            async for message in messages:
                if int(message.get("version", 0)) <= seen:
                    continue
                view = await services.plan_reads.committed_plan(raw)
                if view is None or view.version <= seen:
                    continue
                if not may_see(await live_viewer(info), owner):
                    raise NotFound("no workout plan with that id")
                info.context.fresh_loaders()
                seen = view.version
                yield WorkoutPlan.of(view)
