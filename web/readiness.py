"""`/ready`: whether this replica should get traffic. Each dependency is checked with a short timeout.

Ready means: the event store answers, PostgreSQL (read models) answers, Redis answers when one is
configured, and no projection is failed or lags by more than `FITCOACH_READY_MAX_LAG_EVENTS` events.
Every check uses the process's pools: a probe opens no connection of its own.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

from application.eventstore import EventStore
from projections.status import ProjectionStatus

CHECK_TIMEOUT_SECONDS = 2.0


class Probe(Protocol):
    async def ping(self) -> None:
        """Returns once the dependency answers; raises otherwise."""
        ...


@dataclass(frozen=True, slots=True)
class ReadinessProbes:
    """What `/ready` asks, on the process's own pools and clients."""

    event_store: EventStore
    read_models: Probe
    """PostgreSQL, where the read models are."""
    redis: Probe | None
    """None when no Redis is configured."""
    projections: Callable[[], Awaitable[list[ProjectionStatus]]]
    max_lag_events: int
    """FITCOACH_READY_MAX_LAG_EVENTS."""


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


async def readiness(probes: ReadinessProbes) -> Readiness:
    report = Readiness()
    await _check(report, "event_store", probes.event_store.current_position())
    await _check(report, "postgres", probes.read_models.ping())
    if probes.redis is not None:
        await _check(report, "redis", probes.redis.ping())
    statuses = await _check(report, "projections", probes.projections())
    if isinstance(statuses, list):
        bound = probes.max_lag_events
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
