"""`InMemorySeals`: the reference `Seals` adapter, for tests and `FITCOACH_EVENT_STORE=memory`."""

from __future__ import annotations

from collections.abc import Sequence

from application.integrity.seals import Seal


class InMemorySeals:
    def __init__(self) -> None:
        self._seals: dict[str, dict[int, Seal]] = {}

    async def add(self, seals: Sequence[Seal]) -> int:
        added = 0
        for seal in seals:
            kept = self._seals.setdefault(seal.stream, {})
            if seal.version not in kept:
                kept[seal.version] = seal
                added += 1
        return added

    async def of_stream(self, stream: str) -> list[Seal]:
        return sorted(self._seals.get(stream, {}).values(), key=lambda seal: seal.version)

    async def all(self) -> dict[str, list[Seal]]:
        return {stream: await self.of_stream(stream) for stream in self._seals}

    async def close(self) -> None:
        return None
