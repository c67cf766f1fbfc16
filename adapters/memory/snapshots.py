"""`InMemorySnapshots`: the reference `Snapshots` adapter, for tests and `FITCOACH_EVENT_STORE=memory`.

The state is kept as the JSON text PostgreSQL would store, so what is saved must be JSON-safe here too,
and a loaded snapshot never shares mutable data with the saved one.
"""

from __future__ import annotations

from dataclasses import replace

import orjson

from application.snapshots import Snapshot


class InMemorySnapshots:
    def __init__(self) -> None:
        self._saved: dict[str, tuple[Snapshot, bytes]] = {}

    async def load(self, stream: str) -> Snapshot | None:
        saved = self._saved.get(stream)
        if saved is None:
            return None
        snapshot, state = saved
        return replace(snapshot, state=orjson.loads(state))

    async def save(self, snapshot: Snapshot) -> None:
        stored = self._saved.get(snapshot.stream)
        if stored is not None and stored[0].stream_version >= snapshot.stream_version:
            return
        self._saved[snapshot.stream] = (replace(snapshot, state={}), orjson.dumps(snapshot.state))

    async def close(self) -> None:
        return None
