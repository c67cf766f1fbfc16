"""The `Node` interface every object with a global id implements (`WorkoutPlan`, `User`), fetched with
the `node(id)` query. It stands apart from both feature folders, so that each can implement it and
plans can name their owner without the two importing each other. The ids themselves: `schema.ids`."""

from __future__ import annotations

import strawberry


@strawberry.interface(description="An object with a global id, fetchable with `node(id)`.")
class Node:
    id: strawberry.ID
