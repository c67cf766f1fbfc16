"""Who issued a command: recorded on every event of every aggregate."""

from __future__ import annotations

import enum


class Actor(enum.StrEnum):
    USER = "user"
    AI_COACH = "ai_coach"
    SYSTEM = "system"
    """fitcoach itself, e.g. loading the shipped exercise library."""
