"""The User aggregate for the application: its command handler type, and reading one user's state."""

from __future__ import annotations

from uuid import UUID, uuid4

from application.eventstore import EventStore
from application.handler import CommandHandler, CommandMetadata
from domain.users import UserState, decode, fold, user_stream
from domain.users.commands import UserCommand
from domain.users.events import UserEvent

UserCommands = CommandHandler[UserCommand, UserState, UserEvent]


async def load_user(store: EventStore, user_id: UUID, *, to_version: int | None = None) -> UserState | None:
    """The user's state (after `to_version` events, if given); None if the stream is empty."""
    recorded = await store.read_stream(user_stream(user_id), to_version=to_version)
    return fold(decode(record.type, record.schema_version, record.data) for record in recorded)


def metadata_for(user_id: UUID) -> CommandMetadata:
    """Metadata of a command a user's own request issues (a fresh command and correlation id)."""
    command_id = uuid4()
    return CommandMetadata(command_id=command_id, correlation_id=command_id, user_id=user_id)
