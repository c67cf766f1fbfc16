"""The `Snapshots` port: folded aggregate state saved at a stream version, so a load reads only the tail.

A snapshot is a cache of the log, never a source of truth: the command path uses one only when its
state decodes (see `domain.decider.StateCodec`) and the stream's event at `stream_version` is still
`last_event_id`; otherwise it folds the stream from the start. It is written at command boundaries,
every `every` events (`snapshot_due`), and remembers the stream's most recent commands so a repeated
command id is still answered with its first result (see `application.handler`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol
from uuid import UUID

REMEMBERED_COMMANDS = 32
"""How many of a stream's latest commands (before the snapshot) a snapshot lists for idempotency."""


@dataclass(frozen=True, slots=True)
class RecentCommand:
    command_id: UUID
    first_version: int
    last_version: int
    """The stream versions of the command's first and last event."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    stream: str
    stream_version: int
    position: int
    """Global position of the event at `stream_version`."""
    last_event_id: UUID
    """The id of the event at `stream_version`: a log this snapshot was not taken from fails the check."""
    state_type: str
    schema_version: int
    state: dict[str, Any]
    """JSON-safe, as the aggregate's `domain.decider.StateCodec` wrote it."""
    recent_commands: tuple[RecentCommand, ...]
    """Up to `REMEMBERED_COMMANDS` commands up to `stream_version`, oldest first."""


class SnapshotsUnavailable(Exception):
    code = "UNAVAILABLE"


class Snapshots(Protocol):
    async def load(self, stream: str) -> Snapshot | None:
        """The stream's snapshot, if any. Raises `SnapshotsUnavailable` when the storage is down."""
        ...

    async def save(self, snapshot: Snapshot) -> None:
        """Keep `snapshot` unless the stored one is at the same or a later stream version."""
        ...

    async def close(self) -> None: ...


def snapshot_due(every: int, before: int, after: int) -> bool:
    """Whether a command that took a stream from version `before` to `after` crossed a multiple of
    `every` (0 disables snapshots)."""
    return every > 0 and after // every > before // every
