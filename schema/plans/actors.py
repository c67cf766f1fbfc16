"""Who made a change, as plans and their history show it."""

from __future__ import annotations

import enum

import strawberry


@strawberry.enum(
    description="Who made a change: the user, the AI coach on their behalf, or fitcoach itself (SYSTEM)."
)
class ActorKind(enum.Enum):
    USER = "user"
    AI_COACH = "ai_coach"
    SYSTEM = "system"
