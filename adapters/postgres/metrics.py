"""`database_query_duration_seconds{operation,table}`: how long the PostgreSQL adapters' statements take.

Measured around the statement and the fetch of its rows, on a connection already taken from the pool
(waiting for a connection is not a query). Label values come from the fixed sets below, never from the
data or the SQL, so the number of series stays small and no user data reaches `/metrics`.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Literal

from prometheus_client import Histogram

Operation = Literal[
    "plans",
    "versions",
    "user_plans",
    "users",
    "append",
    "append_many",
    "read_stream",
    "read_all",
    "current_position",
    "correlated",
    "coaching_sessions",
    "coaching_messages",
    "coach_usage",
    "library_search",
    "library_exercises",
]
Table = Literal[
    "workout.workout_plans",
    "workout.plan_versions",
    "auth.users",
    "eventstore.events",
    "ai.coaching_sessions",
    "ai.coaching_messages",
    "ai.coach_usage",
    "library.exercises",
]

DATABASE_QUERY_DURATION = Histogram(
    "database_query_duration_seconds",
    "Time of one PostgreSQL statement of an adapter, with the fetch of its rows.",
    ["operation", "table"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5),
)


@contextmanager
def timed(operation: Operation, table: Table) -> Iterator[None]:
    """Observe the block's duration, whether it succeeds or raises."""
    started = time.perf_counter()
    try:
        yield
    finally:
        DATABASE_QUERY_DURATION.labels(operation, table).observe(time.perf_counter() - started)
