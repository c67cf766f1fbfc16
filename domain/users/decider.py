"""The User aggregate as the command path runs it: its `Decider` bundle."""

from __future__ import annotations

from domain.decider import Decider
from domain.users.codec import decode, encode
from domain.users.commands import UserCommand
from domain.users.decision import decide
from domain.users.events import UserEvent
from domain.users.state import UserState, evolve
from domain.users.streams import user_stream

USERS: Decider[UserCommand, UserState, UserEvent] = Decider(
    decide=decide,
    evolve=evolve,
    stream_name=lambda command: user_stream(command.user_id),
    encode=encode,
    decode=decode,
    data_subject=lambda _state, event: event.user_id,
)
