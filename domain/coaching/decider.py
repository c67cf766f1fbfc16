"""A coaching session as the command path runs it: its `Decider` bundle."""

from __future__ import annotations

from domain.coaching.codec import decode, encode
from domain.coaching.commands import CoachingCommand
from domain.coaching.decision import decide
from domain.coaching.events import CoachingEvent
from domain.coaching.state import CoachingSession, evolve
from domain.coaching.streams import coaching_stream
from domain.decider import Decider

COACHING: Decider[CoachingCommand, CoachingSession, CoachingEvent] = Decider(
    decide=decide,
    evolve=evolve,
    stream_name=lambda command: coaching_stream(command.session_id),
    encode=encode,
    decode=decode,
)
