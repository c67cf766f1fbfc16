"""Our standing instructions to a model, per personality: the shared rules (`prompts.rules`) and the
personality's voice (`prompts.<personality>`), named explicitly here.

The user's words and profile reach the model only as data, inside the delimited block the context builder
writes (`application.coaching.context`); the rules say so.
"""

from __future__ import annotations

from application.coaching.prompts import calm, drill_sergeant, motivator, scientist
from application.coaching.prompts.rules import RULES
from domain.coaching.values import Personality

VOICES: dict[Personality, str] = {
    Personality.MOTIVATOR: motivator.VOICE,
    Personality.DRILL_SERGEANT: drill_sergeant.VOICE,
    Personality.SCIENTIST: scientist.VOICE,
    Personality.CALM: calm.VOICE,
}
"""No temperature per personality: Anthropic's current API and SDK (2.x) take no sampling parameters, so
the voice is set by these words alone."""


def instructions_for(personality: Personality, restrictions: str) -> str:
    """The standing instructions, with the user's restrictions (written by us, from the profile) named in
    them, so the model treats them as rules rather than as data."""
    text = f"{RULES}\n{VOICES[personality]}"
    if restrictions:
        text += f"\nThis user's medical restrictions (from their profile; enforce them): {restrictions}."
    return text
