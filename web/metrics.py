"""The API's Prometheus metrics, beside the projector's (`projections.metrics`) and the resolvers'
(`schema.metrics`), served on `/metrics`.

With several uvicorn workers, set PROMETHEUS_MULTIPROC_DIR (`fitcoach serve --workers N` does) so that
`/metrics` aggregates every worker rather than showing whichever one answered.
"""

from __future__ import annotations

import asyncio
import logging
import os

from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector
from psycopg_pool import AsyncConnectionPool
from starlette.responses import Response

from application.eventstore import EventStore
from projections.metrics import LAG_EVENTS, LAG_SECONDS
from projections.status import projection_status_from_pool

log = logging.getLogger("fitcoach.api")
LAG_TIMEOUT_SECONDS = 2.0

HTTP_REQUEST_DURATION = Histogram(
    "http_request_duration_seconds",
    "Time to answer an HTTP request.",
    ["method", "route", "status"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)


def observe_request(method: str, route: str, status: int, seconds: float) -> None:
    HTTP_REQUEST_DURATION.labels(method, route, str(status)).observe(seconds)


async def refresh_projection_lag(store: EventStore, pool: AsyncConnectionPool) -> None:
    """Set the lag gauges from PostgreSQL, so they are right whichever process runs the projectors; on a
    connection borrowed from `pool`, since a scrape comes every few seconds."""
    try:
        async with asyncio.timeout(LAG_TIMEOUT_SECONDS):
            statuses = await projection_status_from_pool(store, pool)
    except Exception:  # a scrape still answers; the gauges keep their last values
        log.warning("metrics: projection lag unavailable", exc_info=False)
        return
    for status in statuses:
        LAG_EVENTS.labels(status.name).set(status.lag_events)
        LAG_SECONDS.labels(status.name).set(status.lag_seconds)


def metrics_response() -> Response:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)  # type: ignore[no-untyped-call]
        return Response(generate_latest(registry), media_type=CONTENT_TYPE_LATEST)
    return Response(generate_latest(), media_type=CONTENT_TYPE_LATEST)
