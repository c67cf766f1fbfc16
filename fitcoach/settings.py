"""One validated settings object, read from `FITCOACH_*` environment variables."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_data_dir() -> Path:
    """/var/lib/fitcoach for root (the embedded PostgreSQL must not live in a home folder then), else the
    user's XDG data folder."""
    if os.geteuid() == 0:
        return Path("/var/lib/fitcoach")
    return Path(os.environ.get("XDG_DATA_HOME") or Path.home() / ".local" / "share") / "fitcoach"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FITCOACH_", extra="ignore", frozen=True)

    database_url: str | None = Field(
        default=None,
        description="PostgreSQL for the event store (unless KurrentDB is chosen) and the read models; "
        "unset: an embedded PostgreSQL in the data folder (see `bootstrap.resolve_database_url`).",
    )
    data_dir: Path = Field(
        default_factory=default_data_dir,
        description="Folder of the embedded PostgreSQL (pgdata/) and other local state; as root, never "
        "inside a home folder.",
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
    snapshot_every: int = Field(
        default=10,
        ge=0,
        le=1_000_000,
        description="Snapshot a plan's folded state when a command crosses a multiple of this many events,"
        " so a command reads the snapshot and the events after it; 0 disables snapshots.",
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
    redis_key_prefix: str = Field(
        default="",
        max_length=64,
        pattern=r"^[A-Za-z0-9:._-]*$",
        description="Prefix of every Redis key and channel, so several deployments can share one Redis.",
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

    # The API (server.py, schema/)
    jwt_secret: SecretStr | None = Field(
        default=None,
        min_length=32,
        description="HS256 secret of access tokens (32+ bytes); unset: one is generated once and kept in "
        "the data folder, which suits one machine only (replicas on several machines must share one).",
    )
    access_token_minutes: int = Field(default=15, ge=1, le=24 * 60)
    refresh_token_days: int = Field(default=30, ge=1, le=365)
    refresh_reuse_seconds: float = Field(
        default=10.0,
        ge=0,
        le=120,
        description="For this long after a refresh token is rotated, presenting it again (two requests of "
        "one client racing) answers with the same successor instead of revoking the session as a reuse; "
        "0 turns this off.",
    )
    graphiql: bool = Field(default=False, description="Serve GraphiQL on GET /graphql from a browser.")
    introspection: bool = Field(
        default=False, description="Allow schema introspection and field suggestions."
    )
    cors_origins: tuple[str, ...] = Field(
        default=(), description="Origins allowed by CORS, as a JSON list; empty allows none."
    )
    max_body_bytes: int = Field(default=64 * 1024, ge=1024, le=16 * 1024 * 1024)
    max_query_depth: int = Field(
        default=15,
        ge=2,
        le=50,
        description="Most fields an operation may nest in one another, introspection fields included (the "
        "standard introspection query is 15 deep).",
    )
    max_query_cost: int = Field(
        default=20_000,
        ge=1,
        le=10_000_000,
        description="Most an operation may cost, computed before it runs: about the most values its "
        "response can hold (each field 1, a list multiplying its items by its bound; schema/query_cost.py).",
    )
    execution_slice_ms: float = Field(
        default=2.0,
        ge=0,
        le=1000,
        description="How long an operation runs before its lists wait their turn on the event loop, letting "
        "other requests in (schema/pacing.py); 0: every list whose items load nothing waits its turn.",
    )
    max_response_bytes: int = Field(
        default=4 * 1024 * 1024,
        ge=1024,
        le=256 * 1024 * 1024,
        description="Largest response body or WebSocket message; a larger result is replaced by a "
        "RESPONSE_TOO_LARGE error.",
    )
    max_aliases: int = Field(default=15, ge=1, le=1000)
    max_tokens: int = Field(default=2000, ge=50, le=100_000)
    max_ws_subscriptions: int = Field(default=20, ge=1, le=1000)
    auth_rate_limit_per_minute: int = Field(
        default=60,
        ge=1,
        le=10_000,
        description="Auth mutations per minute, per client IP and per signed-in user.",
    )
    mutation_rate_limit_per_minute: int = Field(
        default=120,
        ge=1,
        le=1_000_000,
        description="Mutation fields per minute a signed-in user (signed out: a client IP) may run, after "
        "the burst; each mutation field of a document costs one.",
    )
    mutation_rate_limit_burst: int = Field(
        default=60,
        ge=1,
        le=100_000,
        description="Mutation fields a user or IP may run at once before the per-minute rate applies "
        "(an offline client replaying its queue, say). A document with more mutation fields is refused.",
    )
    login_failures_per_address: int = Field(
        default=5,
        ge=1,
        le=1000,
        description="Failed password logins one client IP may make on one account within the login failure "
        "window; past that its logins on that account are refused (RATE_LIMITED), the right password too.",
    )
    login_account_failure_threshold: int = Field(
        default=20,
        ge=1,
        le=10_000,
        description="Failed logins on one account, from any IPs, within the window, past which each IP may "
        "fail only once on it. A right password from an IP without failures on the account still signs in.",
    )
    login_failure_window_seconds: int = Field(
        default=900, ge=10, le=86_400, description="How long a failed login counts against the limits above."
    )
    max_ws_subscriptions_per_user: int = Field(
        default=100,
        ge=1,
        le=100_000,
        description="Operations (subscriptions, and queries or mutations in flight) one user may run at "
        "once over all their WebSockets on a replica; past it a new one gets a RATE_LIMITED error.",
    )
    max_ws_per_user: int = Field(
        default=10,
        ge=1,
        le=10_000,
        description="WebSockets one user may hold open on a replica; past it a new one is closed with 4429.",
    )
    max_ws_connections: int = Field(
        default=10_000,
        ge=1,
        le=1_000_000,
        description="WebSockets a replica holds open, signed in or not; past it a new one is closed with "
        "1013 (try again later).",
    )
    ws_session_check_seconds: float = Field(
        default=5.0,
        ge=0.2,
        le=60,
        description="How often each WebSocket's session is checked again (and at its access token's "
        "expiry); a socket whose session ended, expired or changed role is closed with 4403.",
    )
    pubsub_max_pending: int = Field(
        default=100,
        ge=1,
        le=10_000,
        description="Undelivered notifications a subscriber may hold; past that its oldest are dropped.",
    )
    apq_ttl_seconds: int = Field(
        default=24 * 3600,
        ge=60,
        le=30 * 24 * 3600,
        description="How long Redis keeps a persisted query after its last use.",
    )
    apq_max_query_bytes: int = Field(
        default=100_000, ge=1024, le=10_000_000, description="Largest query kept as a persisted query."
    )
    apq_max_bytes: int = Field(
        default=16 * 1024 * 1024,
        ge=1024 * 1024,
        le=4 * 1024**3,
        description="Budget of the persisted queries kept in Redis, shared by every replica: each query's "
        "UTF-8 size plus 512 bytes of bookkeeping. When it is full, new queries still run but are not kept "
        "until stored ones expire; the ones kept are never pushed out.",
    )
    apq_registrations_per_minute: int = Field(
        default=30,
        ge=1,
        le=10_000,
        description="New persisted queries one client address may register per minute; past that, its "
        "queries still run but are not kept.",
    )
    apq_memory_max_bytes: int = Field(
        default=32 * 1024 * 1024,
        ge=1024 * 1024,
        le=4 * 1024**3,
        description="Total size of the persisted queries kept in process without Redis (LRU).",
    )
    ready_max_lag_events: int = Field(
        default=10_000, ge=0, description="/ready fails while a projection lags by more events than this."
    )
    google_client_ids: tuple[str, ...] = Field(default=(), description="OAuth client ids (JSON list).")
    google_jwks_url: str = "https://www.googleapis.com/oauth2/v3/certs"
    apple_client_ids: tuple[str, ...] = Field(default=(), description="Apple service ids (JSON list).")
    apple_jwks_url: str = "https://appleid.apple.com/auth/keys"
    response_cache: bool = Field(
        default=True, description="Cache users' read results, invalidated by the projectors."
    )
    in_process_projections: bool = Field(
        default=True,
        description="Run the projectors inside the API process (one instance is active cluster-wide).",
    )
    host: str = "127.0.0.1"
    port: int = Field(default=8000, ge=0, le=65535)

    @property
    def uses_embedded_postgres(self) -> bool:
        return self.database_url is None

    @property
    def resolved_database_url(self) -> str:
        """The database URL of settings that went through `bootstrap.resolve_database_url`."""
        if self.database_url is None:
            raise RuntimeError("no database URL yet: await bootstrap.resolve_database_url(settings) first")
        return self.database_url

    @property
    def chosen_event_store(self) -> Literal["postgres", "kurrentdb", "memory"]:
        if self.event_store is not None:
            return self.event_store
        return "kurrentdb" if self.kurrentdb_url else "postgres"


class SettingsError(Exception):
    """A `FITCOACH_*` variable has a bad value; the message names each variable and what is wrong."""

    code = "BAD_SETTINGS"


def load_settings() -> Settings:
    """The settings from the environment, or SettingsError naming the offending variables."""
    try:
        return Settings()
    except ValidationError as error:
        problems = [
            f"FITCOACH_{'_'.join(str(part) for part in issue['loc'][:1]).upper()}: {issue['msg']}"
            for issue in error.errors(include_url=False, include_input=False)
        ]
        raise SettingsError("; ".join(problems)) from None
