"""A library exercise as the command path runs it: its `Decider` bundle."""

from __future__ import annotations

from domain.decider import Decider
from domain.library.codec import decode, encode
from domain.library.commands import LibraryCommand
from domain.library.decision import decide
from domain.library.events import LibraryEvent
from domain.library.state import LibraryExercise, evolve
from domain.library.streams import library_stream

LIBRARY: Decider[LibraryCommand, LibraryExercise, LibraryEvent] = Decider(
    decide=decide,
    evolve=evolve,
    stream_name=lambda command: library_stream(command.exercise_id),
    encode=encode,
    decode=decode,
)
