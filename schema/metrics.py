"""The Prometheus metrics the resolvers count. They join the process's default registry, which `/metrics`
serves (`web.metrics`) beside the HTTP, projector and read-model metrics."""

from __future__ import annotations

from prometheus_client import Counter

WORKOUTS_CREATED = Counter("workouts_created_total", "Workout plans created through the API.")
