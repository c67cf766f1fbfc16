"""Prometheus metrics of the projection runners, labelled by projection, for a later `/metrics` endpoint.

Module-level metric objects are prometheus-client's idiom; they only hold numbers, and nothing here connects.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

LAG_EVENTS = Gauge(
    "fitcoach_projection_lag_events",
    "Events in the log that the projection has not applied yet.",
    ["projection"],
)
LAG_SECONDS = Gauge(
    "fitcoach_projection_lag_seconds",
    "Age of the oldest event the projection has not applied yet (0 when caught up).",
    ["projection"],
)
EVENTS_APPLIED = Counter(
    "fitcoach_projection_events_applied",
    "Events applied to the read model; its rate is the projection's events per second.",
    ["projection"],
)
BATCH_SECONDS = Histogram(
    "fitcoach_projection_batch_duration_seconds",
    "Time to apply one batch and commit it with its checkpoint.",
    ["projection"],
    buckets=(0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0),
)
