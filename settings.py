"""One validated settings object, read from `FITCOACH_*` environment variables."""

from __future__ import annotations

from typing import Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FITCOACH_", extra="ignore", frozen=True)

    database_url: str = Field(
        default="postgresql://postgres@127.0.0.1:5432/fitcoach",
        description="PostgreSQL for the event store (unless KurrentDB is chosen) and the read models.",
    )
    event_store: Literal["postgres", "kurrentdb", "memory"] | None = Field(
        default=None,
        description="Which event store to use; by default KurrentDB when its URL is set, else PostgreSQL.",
    )
    kurrentdb_url: str | None = Field(
        default=None, description="KurrentDB connection string, e.g. kurrentdb://127.0.0.1:2113?tls=false."
    )
    db_pool_min_size: int = Field(default=1, ge=1, le=100)
    db_pool_max_size: int = Field(default=10, ge=1, le=500)
    command_retries: int = Field(
        default=3, ge=0, le=20, description="How often a command is re-decided after a concurrency conflict."
    )
    projection_batch_size: int = Field(
        default=500, ge=1, le=100_000, description="Most events a projector applies in one transaction."
    )
    projection_standby_retry_seconds: float = Field(
        default=1.0, gt=0, le=60, description="How often a standby projector tries to take over."
    )
    redis_url: str | None = Field(
        default=None,
        description="Redis for the caches, e.g. redis://127.0.0.1:6379/0; unset keeps the caches in process.",
    )
    redis_timeout_seconds: float = Field(
        default=0.1, gt=0, le=5, description="Socket timeout of cache calls: a slower Redis counts as down."
    )
    cache_max_entries: int = Field(
        default=10_000,
        ge=1,
        le=10_000_000,
        description="Entries held in process: the L1 in front of Redis, or the whole cache without Redis.",
    )
    cache_l1_ttl_seconds: float = Field(
        default=5.0, gt=0, le=300, description="How long the in-process L1 keeps an entry it got from Redis."
    )

    @property
    def chosen_event_store(self) -> Literal["postgres", "kurrentdb", "memory"]:
        if self.event_store is not None:
            return self.event_store
        return "kurrentdb" if self.kurrentdb_url else "postgres"
