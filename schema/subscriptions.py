"""Subscriptions: a plan pushed to every device watching it, whichever replica the change went through.

The projector publishes `plan-changed:{planId}` after each commit (Redis pub/sub across replicas, in
process for the embedded default); each subscriber then reads the committed plan from the read model.
Versions only move forward: a notification older than what the client already has is skipped.
"""

from __future__ import annotations

from collections.abc import AsyncGenerator

import strawberry

from application.plan_changes import plan_changed_channel
from domain.errors import DomainError
from schema.context import Info, Viewer
from schema.errors import NotFound, Unauthenticated
from schema.ids import parse_global_id
from schema.queries import may_see
from schema.types import WorkoutPlan


async def live_viewer(info: Info) -> Viewer:
    """The viewer as of now: a WebSocket outlives sign-outs, role changes and its access token, so the
    token's expiry and the session are checked again before each push."""
    context = info.context
    viewer = context.require_viewer()
    if context.claims is None:
        return viewer
    if context.claims.expires_at <= context.now():
        raise Unauthenticated("the access token has expired; reconnect with a fresh one")
    try:
        session = await context.api.sessions.check(context.claims)
    except DomainError as error:
        raise Unauthenticated(error.message) from None
    return Viewer(session.user_id, session.role, session.session_id)


@strawberry.type
class Subscription:
    @strawberry.subscription(description="The plan, now and after every change, by any device or the coach.")
    async def workout_plan_changed(self, info: Info, plan_id: strawberry.ID) -> AsyncGenerator[WorkoutPlan]:
        viewer = await live_viewer(info)
        _, raw = parse_global_id(plan_id, expect="WorkoutPlan", field="planId")
        api = info.context.api
        owner = await api.plan_commands.owner_of(raw)  # a plan's owner never changes
        if owner is None or not may_see(viewer, owner):
            raise NotFound("no workout plan with that id")
        async with api.pubsub.subscribe(plan_changed_channel(raw)) as messages:
            # Read once subscribed, so a change committed in between is not missed. A plan created a
            # moment ago may not be in the read model yet: its first notification brings it.
            seen = 0
            current = await api.plan_read_model.plan(raw)
            if current is not None:
                seen = current.version
                yield WorkoutPlan.of(current)
            async for message in messages:
                if int(message.get("version", 0)) <= seen:
                    continue
                view = await api.plan_read_model.plan(raw)
                if view is None or view.version <= seen:
                    continue
                if not may_see(await live_viewer(info), owner):
                    raise NotFound("no workout plan with that id")
                seen = view.version
                yield WorkoutPlan.of(view)
