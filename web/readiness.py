"""`/ready`: whether this replica should get traffic. Each dependency is checked with a short timeout.

Ready means: the event store answers, PostgreSQL (read models) answers, Redis answers when one is
configured, and no projection is failed or lags by more than `FITCOACH_READY_MAX_LAG_EVENTS` events.
Every check uses the process's pools: a probe opens no connection of its own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass, field
from typing import Any

from fitcoach.wiring.api import Api
from projections.status import projection_status_from_pool

CHECK_TIMEOUT_SECONDS = 2.0


@dataclass(slots=True)
class Readiness:
    checks: dict[str, str] = field(default_factory=dict)
    projections: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return all(outcome == "ok" for outcome in self.checks.values())

    def as_json(self) -> dict[str, Any]:
        return {
            "status": "ready" if self.ready else "not ready",
            "checks": self.checks,
            "projections": self.projections,
        }


async def _check(report: Readiness, name: str, probe: Awaitable[object]) -> object | None:
    try:
        async with asyncio.timeout(CHECK_TIMEOUT_SECONDS):
            value = await probe
    except Exception as error:  # a readiness probe reports; it never raises
        report.checks[name] = f"failing: {type(error).__name__}"
        return None
    report.checks[name] = "ok"
    return value


async def readiness(api: Api) -> Readiness:
    report = Readiness()
    await _check(report, "event_store", api.core.store.current_position())
    await _check(report, "postgres", api.plan_read_model.ping())
    if api.settings.redis_url is not None:
        await _check(report, "redis", api.pubsub.ping())
    statuses = await _check(report, "projections", projection_status_from_pool(api.core.store, api.read_pool))
    if isinstance(statuses, list):
        bound = api.settings.ready_max_lag_events
        for status in statuses:
            report.projections.append(
                {
                    "name": status.name,
                    "state": status.state,
                    "lagEvents": status.lag_events,
                    "lagSeconds": status.lag_seconds,
                }
            )
            if status.state == "failed" or status.lag_events > bound:
                report.checks[f"projection {status.name}"] = (
                    f"{status.state}, {status.lag_events} events behind"
                )
    return report
