"""Stream names of workout plans: one stream per plan, `workout-<plan id>`."""

from __future__ import annotations

from uuid import UUID

PLAN_STREAM_PREFIX = "workout-"


def plan_stream(plan_id: UUID) -> str:
    return f"{PLAN_STREAM_PREFIX}{plan_id}"
