"""Live plan changes: the channel a committed change of a plan is announced on, and its message.

The projector publishes after its transaction commits, so whoever hears the message can read the change.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from application.cache import CacheKind, Invalidation


def plan_changed_channel(plan_id: object) -> str:
    return f"plan-changed:{plan_id}"


def plan_changes(invalidations: Sequence[Invalidation]) -> list[tuple[str, dict[str, Any]]]:
    """(channel, message) for each plan a committed batch changed."""
    return [
        (plan_changed_channel(item.key.parts[0]), {"plan_id": item.key.parts[0], "version": item.version})
        for item in invalidations
        if item.key.kind is CacheKind.PLAN
    ]
