"""`OpenedEventStore`: an `EventStore` whose reads come with personal fields opened (`PersonalDataVault`).

What the command path, projections and audit reads use. Appends go through untouched: the command path
seals before it chains (`application.handler`). The integrity audit, seals and the replay export read the
store underneath (`stored`), as the events were written, since the chain covers the sealed form.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

from application.eventstore import (
    AppendResult,
    EventStore,
    ExpectedVersion,
    NewEvent,
    RecordedEvent,
    StreamAppend,
)
from application.privacy.vault import PersonalDataVault


class OpenedEventStore:
    def __init__(self, stored: EventStore, vault: PersonalDataVault) -> None:
        self._stored = stored
        self._vault = vault

    @property
    def stored(self) -> EventStore:
        """The store underneath, whose events are as written (sealed)."""
        return self._stored

    @property
    def vault(self) -> PersonalDataVault:
        return self._vault

    async def append(
        self, stream: str, events: Sequence[NewEvent], expected_version: ExpectedVersion
    ) -> AppendResult:
        return await self._stored.append(stream, events, expected_version)

    async def append_many(self, appends: Sequence[StreamAppend]) -> list[AppendResult]:
        return await self._stored.append_many(appends)

    async def read_stream(
        self,
        stream: str,
        *,
        from_version: int = 1,
        to_version: int | None = None,
        backwards: bool = False,
        limit: int | None = None,
    ) -> list[RecordedEvent]:
        events = await self._stored.read_stream(
            stream, from_version=from_version, to_version=to_version, backwards=backwards, limit=limit
        )
        return await self._vault.open(events)

    async def read_all(self, *, after: int = 0, limit: int = 1000) -> list[RecordedEvent]:
        return await self._vault.open(await self._stored.read_all(after=after, limit=limit))

    async def subscribe_all(self, *, after: int = 0) -> AsyncIterator[RecordedEvent]:
        async for event in self._stored.subscribe_all(after=after):
            yield await self._vault.open_one(event)

    async def current_position(self) -> int:
        return await self._stored.current_position()

    async def close(self) -> None:
        try:
            await self._stored.close()
        finally:
            await self._vault.keys.close()
