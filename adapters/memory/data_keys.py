"""`InMemoryDataKeys`: the reference `DataKeys` adapter, for tests and `FITCOACH_EVENT_STORE=memory`."""

from __future__ import annotations

from collections.abc import Collection, Mapping
from uuid import UUID

from domain.users.errors import UserErased


class InMemoryDataKeys:
    def __init__(self) -> None:
        self._keys: dict[UUID, bytes | None] = {}
        """None: forgotten (a tombstone)."""

    async def key_to_seal(self, subject: UUID, new_key: bytes) -> bytes:
        key = self._keys.setdefault(subject, new_key)
        if key is None:
            raise UserErased()
        return key

    async def keys_to_open(self, subjects: Collection[UUID]) -> Mapping[UUID, bytes]:
        return {subject: key for subject in subjects if (key := self._keys.get(subject)) is not None}

    async def forget(self, subject: UUID) -> bool:
        held = self._keys.get(subject) is not None
        self._keys[subject] = None
        return held

    async def is_forgotten(self, subject: UUID) -> bool:
        return subject in self._keys and self._keys[subject] is None

    async def close(self) -> None:
        return None
