"""Upcasting, shared by every aggregate's codec: an older stored event shape becomes the next one, on read.

Stored data is never rewritten. A registry is explicit, `(event type, from schema version) -> function`
(each aggregate keeps its own, e.g. `domain.plans.upcasters`), applied one step at a time until no
upcaster matches. Each function returns a new dict and leaves its input untouched.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

EventData = dict[str, Any]
Upcaster = Callable[[Mapping[str, Any]], EventData]


def upcast(
    event_type: str,
    schema_version: int,
    data: Mapping[str, Any],
    upcasters: Mapping[tuple[str, int], Upcaster],
) -> tuple[int, EventData]:
    """The newest shape reachable from `(event_type, schema_version)`, with its schema version."""
    current = dict(data)
    while (step := upcasters.get((event_type, schema_version))) is not None:
        current = step(current)
        schema_version += 1
    return schema_version, current
