"""Our standing instructions to a model, per personality: the shared rules (`prompts.rules`) and the
personality's tone (`prompts.<personality>`: its voice and temperature), named explicitly here.

The user's words and profile reach the model only as data, inside the delimited block the context builder
writes (`application.coaching.context`); the rules say so.
"""

from __future__ import annotations

from dataclasses import dataclass

from application.coaching.prompts import calm, drill_sergeant, motivator, scientist
from application.coaching.prompts.rules import RULES
from domain.coaching.values import Personality


@dataclass(frozen=True, slots=True)
class Tone:
    voice: str
    temperature: float
    """Sampling temperature, 0 to 1; a model that takes none ignores it (see `CoachPrompt.temperature`)."""


TONES: dict[Personality, Tone] = {
    Personality.MOTIVATOR: Tone(motivator.VOICE, motivator.TEMPERATURE),
    Personality.DRILL_SERGEANT: Tone(drill_sergeant.VOICE, drill_sergeant.TEMPERATURE),
    Personality.SCIENTIST: Tone(scientist.VOICE, scientist.TEMPERATURE),
    Personality.CALM: Tone(calm.VOICE, calm.TEMPERATURE),
}


def instructions_for(personality: Personality, restrictions: str) -> str:
    """The standing instructions, with the user's restrictions (written by us, from the profile) named in
    them, so the model treats them as rules rather than as data."""
    text = f"{RULES}\n{TONES[personality].voice}"
    if restrictions:
        text += f"\nThis user's medical restrictions (from their profile; enforce them): {restrictions}."
    return text
