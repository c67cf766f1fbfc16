"""Library commands as the API issues them: admins define, revise and retire exercises.

Every command takes the one command path (`CommandHandler` with the `LIBRARY` decider): an
`expected_version` that is not the stream's version is a `ConcurrencyConflict` (nothing is overwritten),
and a command id sent again is answered with its first result. The result is the exercise as of the
write itself, never read-model data (the `library` projection lags).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from uuid import UUID, uuid4

from application.eventstore import EventStore
from application.handler import CommandHandler, CommandMetadata
from application.library_views import LibraryExerciseView, library_view_of
from application.plan_commands import Requester
from domain.errors import DomainError
from domain.library import LibraryExercise, decode, fold, library_stream
from domain.library.commands import LibraryCommand
from domain.library.errors import UnknownExercise
from domain.library.events import LibraryEvent


class AdminsOnly(DomainError):
    """The library is changed by admins only; the API answers anyone else FORBIDDEN."""

    def __init__(self) -> None:
        super().__init__("FORBIDDEN", "only admins may change the exercise library")


@dataclass(frozen=True, slots=True)
class LibraryWritten:
    exercise: LibraryExerciseView
    position: int
    """Global position of the write, for read-your-writes on the read models."""
    repeated: bool = field(default=False, compare=False)
    """True when the command id had been handled before: this is its first result, nothing new was written."""


class LibraryCommands:
    def __init__(
        self, store: EventStore, handler: CommandHandler[LibraryCommand, LibraryExercise, LibraryEvent]
    ) -> None:
        self._store = store
        self._handler = handler

    async def execute(
        self,
        requester: Requester,
        command: LibraryCommand,
        *,
        command_id: UUID | None = None,
        expected_version: int | None = None,
    ) -> LibraryWritten:
        """Raises AdminsOnly for anyone but an admin, DomainError for a command the library refuses."""
        if not requester.is_admin:
            raise AdminsOnly()
        command_id = command_id or uuid4()
        metadata = CommandMetadata(
            command_id=command_id, correlation_id=command_id, user_id=requester.user_id
        )
        result = await self._handler.handle(command, metadata, expected_version=expected_version)
        if not result.repeated and isinstance(result.state, LibraryExercise):
            exercise, position = result.state, result.position
        else:  # a repeat: the exercise as that first write left it, not as it is now
            exercise, position = await self._exercise_at(command.exercise_id, result.stream_version)
        view = library_view_of(exercise, result.stream_version, position)
        return LibraryWritten(view, result.position, repeated=result.repeated)

    async def _exercise_at(self, exercise_id: str, version: int) -> tuple[LibraryExercise, int]:
        recorded = await self._store.read_stream(library_stream(exercise_id), to_version=version)
        exercise = fold(decode(record.type, record.schema_version, record.data) for record in recorded)
        if exercise is None:
            raise UnknownExercise(exercise_id)
        return exercise, recorded[-1].position
