"""The auditors' adapters: where seals of stream heads are kept."""

from __future__ import annotations

from application.integrity.seals import Seals
from fitcoach.settings import Settings


async def seals_from(settings: Settings) -> Seals:
    """PostgreSQL (there in every deployment, also next to KurrentDB); in memory with the in-memory store."""
    if settings.chosen_event_store == "memory":
        from adapters.memory.seals import InMemorySeals

        return InMemorySeals()
    from adapters.postgres.seals import PostgresSeals

    return await PostgresSeals.connect(settings.resolved_database_url)
