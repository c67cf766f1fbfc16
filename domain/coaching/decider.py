"""A coaching session as the command path runs it: its `Decider` bundle."""

from __future__ import annotations

from uuid import UUID

from domain.coaching.codec import decode, encode
from domain.coaching.commands import CoachingCommand
from domain.coaching.decision import decide
from domain.coaching.events import CoachingEvent, CoachingSessionStarted
from domain.coaching.state import CoachingSession, evolve
from domain.coaching.streams import coaching_stream
from domain.decider import Decider


def session_owner(state: CoachingSession | None, event: CoachingEvent) -> UUID | None:
    """The person a session's messages belong to: its user, including the ones an admin reads or sends."""
    if isinstance(event, CoachingSessionStarted):
        return event.user_id
    return None if state is None else state.user_id


COACHING: Decider[CoachingCommand, CoachingSession, CoachingEvent] = Decider(
    decide=decide,
    evolve=evolve,
    stream_name=lambda command: coaching_stream(command.session_id),
    encode=encode,
    decode=decode,
    data_subject=session_owner,
)
