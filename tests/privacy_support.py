"""Opening personal data in tests: an event store read through a vault, as the composition root builds it."""

from __future__ import annotations

from adapters.memory.data_keys import InMemoryDataKeys
from adapters.postgres.data_keys import PostgresDataKeys
from application.eventstore import EventStore
from application.privacy.opened_store import OpenedEventStore
from application.privacy.vault import PersonalDataVault


def memory_vault() -> PersonalDataVault:
    return PersonalDataVault(InMemoryDataKeys())


def opened(store: EventStore) -> OpenedEventStore:
    """`store` with personal fields sealed on the command path and opened on reads (keys in memory)."""
    return OpenedEventStore(store, memory_vault())


async def opened_on_postgres(store: EventStore, database_url: str) -> OpenedEventStore:
    """`store` read through a vault whose keys are in `database_url`'s `privacy.data_keys` (migrated),
    where the CLI and the API of that database find them too."""
    return OpenedEventStore(store, PersonalDataVault(await PostgresDataKeys.connect(database_url)))
