"""The schema's own scalars, declared as types for the resolvers and mapped to GraphQL in `SCALAR_MAP`
(which `schema.build` hands every schema it makes)."""

from __future__ import annotations

from typing import NewType

import strawberry
from strawberry.types.scalar import ScalarDefinition

Long = NewType("Long", int)
"""An integer beyond GraphQL's 32-bit `Int`: a global log position (KurrentDB's are byte offsets)."""

SCALAR_MAP: dict[object, ScalarDefinition] = {
    Long: strawberry.scalar(
        name="Long",
        description="An integer that may not fit 32 bits (a log position), sent as a JSON number.",
        serialize=int,
        parse_value=int,
    ),
}
