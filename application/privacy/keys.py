"""`DataKeys`: where each person's data key lives (PostgreSQL `privacy.data_keys`, or memory).

A key never leaves this port except into `PersonalDataVault`: never into an event, a log or a cache.
Forgetting a person deletes their key and leaves a tombstone, so no key is ever made for them again and
nothing of theirs can be sealed (or read) any more.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import Protocol
from uuid import UUID

from application.eventstore import EventStoreUnavailable


class DataKeysUnavailable(EventStoreUnavailable):
    """The key store cannot be reached: without keys the log can be neither written nor read in full."""


class DataKeys(Protocol):
    async def key_to_seal(self, subject: UUID, new_key: bytes) -> bytes:
        """The subject's key; `new_key` becomes it if they have none yet (of two callers racing, one key
        wins and both get it). Raises `domain.users.errors.UserErased` if the subject was forgotten."""
        ...

    async def keys_to_open(self, subjects: Collection[UUID]) -> Mapping[UUID, bytes]:
        """The keys of `subjects` that exist; a forgotten subject (or one never sealed for) is absent."""
        ...

    async def forget(self, subject: UUID) -> bool:
        """Delete the subject's key for good. True if a key was deleted by this call; False if there was
        none (already forgotten, or nothing was ever sealed for them): either way it is gone now."""
        ...

    async def is_forgotten(self, subject: UUID) -> bool: ...

    async def close(self) -> None: ...
