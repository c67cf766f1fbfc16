"""What the import compares already present lines with: the target's events, read ahead a window at a
time. An export interleaves streams, so a stream's lines come a few at a time; reading each stream's next
events once, ahead, saves a round trip per few lines on a re-run. The window's size bounds the memory."""

from __future__ import annotations

from application.eventstore import EventStore, RecordedEvent

READ_AHEAD = 200
CAPACITY = 20_000


class StoredEvents:
    def __init__(self, store: EventStore, *, read_ahead: int = READ_AHEAD, capacity: int = CAPACITY) -> None:
        """Reads at least `read_ahead` events of a stream at a time; holds at most about `capacity`."""
        self._store = store
        self._read_ahead = read_ahead
        self._capacity = capacity
        self._ahead: dict[str, dict[int, RecordedEvent]] = {}
        self._held = 0

    async def at(self, stream: str, first: int, last: int) -> dict[int, RecordedEvent]:
        """The target's events of `stream` from version `first` to `last` (fewer where it has fewer), by
        version. Each is handed out once: a line asks for its version once, and so it is held no longer."""
        ahead = self._ahead.get(stream, {})
        wanted = range(first, last + 1)
        if not all(version in ahead for version in wanted):
            await self._read(stream, first, last)
            ahead = self._ahead.get(stream, {})
        found = {version: ahead.pop(version) for version in wanted if version in ahead}
        self._held -= len(found)
        return found

    async def _read(self, stream: str, first: int, last: int) -> None:
        self._held -= len(self._ahead.pop(stream, {}))
        if self._held > self._capacity:  # rarely: streams read ahead but not reached yet; let them go
            self._ahead.clear()
            self._held = 0
        to_version = max(last, first + self._read_ahead - 1)
        read = await self._store.read_stream(stream, from_version=first, to_version=to_version)
        self._ahead[stream] = {event.stream_version: event for event in read}
        self._held += len(read)
