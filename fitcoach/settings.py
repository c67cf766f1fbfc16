"""One validated settings object, read from `FITCOACH_*` environment variables."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

from pydantic import Field, SecretStr, ValidationError, ValidationInfo, field_validator
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
        description="PostgreSQL for the event store (unless KurrentDB is chosen) and the read models, e.g. "
        "`postgresql://postgres@127.0.0.1:5432/fitcoach`. Unset: an embedded PostgreSQL 16 (the `pgserver` "
        "package) in `FITCOACH_DATA_DIR/pgdata`, on a unix socket only, started by the first `fitcoach` "
        "command that needs it, shared by the others on this machine, stopped when the last exits.",
    )
    data_dir: Path = Field(
        default_factory=default_data_dir,
        description="Local state: the embedded PostgreSQL's data (`pgdata/`). As root the embedded "
        "server runs as the system user `pgserver` (created if missing), which must be able to enter this "
        "folder and every folder above it; fitcoach never changes the mode of a folder outside it, and "
        "refuses one `pgserver` cannot reach or one inside a home folder. When `pgserver` cannot reach "
        "the PostgreSQL programs (a virtualenv in /root), they are copied into `postgresql-programs/` "
        "here (about 19 MB). The socket is in `pgdata/`, so a path over 86 bytes is refused.",
    )
    event_store: Literal["postgres", "kurrentdb", "memory"] | None = Field(
        default=None,
        description="`postgres`, `kurrentdb` or `memory`. Unset: KurrentDB when `FITCOACH_KURRENTDB_URL` is "
        "set, else PostgreSQL.",
    )
    kurrentdb_url: str | None = Field(
        default=None,
        description="KurrentDB connection string, e.g. `kurrentdb://127.0.0.1:2113?tls=false`. Also enables "
        "the KurrentDB contract tests.",
    )
    db_pool_min_size: int = Field(
        default=1, ge=1, le=100, description="Minimum PostgreSQL connections kept open."
    )
    db_pool_max_size: int = Field(default=10, ge=1, le=500, description="Maximum PostgreSQL connections.")
    command_retries: int = Field(
        default=3,
        ge=0,
        le=20,
        description="How often a command is re-decided on fresh state after a "
        "concurrency conflict before `CONFLICT` is reported.",
    )
    snapshot_every: int = Field(
        default=10,
        ge=0,
        le=1_000_000,
        description="A command that takes a plan's stream across a multiple of this many events saves a "
        "snapshot of the folded plan (`eventstore.snapshots`), so later commands read it plus the events "
        "after it. `0` turns snapshots off.",
    )
    projection_batch_size: int = Field(
        default=500, ge=1, le=100_000, description="Most events a projector applies in one transaction."
    )
    projection_standby_retry_seconds: float = Field(
        default=1.0,
        gt=0,
        le=60,
        description="How often a standby projector tries to take over the active one's lock.",
    )
    redis_url: str | None = Field(
        default=None,
        description="Redis for the caches (L2), rate limits, pub/sub and cross-replica L1 eviction, e.g. "
        "`redis://127.0.0.1:6379/0`. Unset: all of them stay in process.",
    )
    redis_key_prefix: str = Field(
        default="",
        max_length=64,
        pattern=r"^[A-Za-z0-9:._-]*$",
        description="Prefix of every Redis key and channel, so deployments (or test runs) can share one "
        "Redis.",
    )
    redis_timeout_seconds: float = Field(
        default=0.1,
        gt=0,
        le=5,
        description="Socket timeout of cache calls; a slower Redis counts as down "
        "and reads fall back to PostgreSQL.",
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
        description="HS256 secret of the access tokens (32 bytes or more). Unset: one is generated on first "
        "start and kept (mode 0600) in `FITCOACH_DATA_DIR/jwt-secret`, which suits one machine; replicas on "
        "several machines must share one.",
    )
    access_token_minutes: int = Field(
        default=15, ge=1, le=24 * 60, description="Lifetime of an access token, in minutes."
    )
    refresh_token_days: int = Field(
        default=30, ge=1, le=365, description="Lifetime of a refresh token, in days (each use rotates it)."
    )
    refresh_reuse_seconds: float = Field(
        default=10.0,
        ge=0,
        le=120,
        description="For this long after a refresh token is rotated, presenting it again (two requests of "
        "one client racing) answers with the same successor instead of revoking the session as a reuse; "
        "0 turns this off.",
    )
    # Unset (None) follows the mode: on in embedded development mode, off with configured servers.
    graphiql: bool = Field(
        default=None,
        validate_default=True,
        description="Serve GraphiQL on `GET /graphql` to browsers. Unset: on in embedded development mode "
        "(no database, Redis or KurrentDB URL set), else off.",
    )
    introspection: bool = Field(
        default=None,
        validate_default=True,
        description='Allow introspection and "did you mean" field suggestions. Unset: on in embedded '
        "development mode, else off.",
    )
    cors_origins: tuple[str, ...] = Field(
        default=(),
        description="Origins allowed by CORS, as a JSON list, e.g. "
        '`["https://app.example.com"]`; empty allows none.',
    )
    max_body_bytes: int = Field(
        default=64 * 1024,
        ge=1024,
        le=16 * 1024 * 1024,
        description="Largest request body (and WebSocket message); larger gets 413 `PAYLOAD_TOO_LARGE`.",
    )
    max_query_depth: int = Field(
        default=15,
        ge=2,
        le=50,
        description="Most fields an operation may nest in one another, introspection fields included (the "
        "standard introspection query is 15 deep, the deepest application query 8); past it: "
        "`BAD_USER_INPUT`.",
    )
    max_query_cost: int = Field(
        default=20_000,
        ge=1,
        le=10_000_000,
        description="Most an operation may cost, computed before it runs: about the most values its "
        "response can hold (each field 1, a list multiplying its items by its bound; "
        "`schema/query_cost.py`). Over it: `QUERY_TOO_COSTLY` with `cost` and `limit`.",
    )
    execution_slice_ms: float = Field(
        default=2.0,
        ge=0,
        le=1000,
        description="How long an operation runs before its lists wait their turn on the event loop, letting "
        "other requests in (`schema/pacing.py`); 0: every list whose items load nothing waits its turn.",
    )
    max_response_bytes: int = Field(
        default=4 * 1024 * 1024,
        ge=1024,
        le=256 * 1024 * 1024,
        description="Largest response body or WebSocket message; a larger result is replaced whole by a "
        "`RESPONSE_TOO_LARGE` error.",
    )
    max_aliases: int = Field(
        default=15,
        ge=1,
        le=1000,
        description="Most aliases in a GraphQL document; past it: `BAD_USER_INPUT`.",
    )
    max_tokens: int = Field(
        default=2000,
        ge=50,
        le=100_000,
        description="Most tokens in a GraphQL document; past it: `BAD_USER_INPUT`.",
    )
    max_ws_subscriptions: int = Field(
        default=20,
        ge=1,
        le=1000,
        description="Operations one WebSocket connection may run at once (`RATE_LIMITED` past it).",
    )
    auth_rate_limit_per_minute: int = Field(
        default=60,
        ge=1,
        le=10_000,
        description="Auth mutations (register, login, refresh, ID-token sign-in, "
        "logout) per minute, per client IP and per signed-in user.",
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
        "(an offline client replaying its queue, say). A document with more is refused (`BAD_USER_INPUT`).",
    )
    coach_rate_limit_per_second: int = Field(
        default=10,
        ge=1,
        le=1000,
        description="Coaching mutations a user may run per second (the specification's AI policy: a token "
        "bucket of this many, refilled at this rate); past it they are refused (`RATE_LIMITED`).",
    )
    coach_messages_per_minute: int = Field(
        default=20,
        ge=1,
        le=10_000,
        description="Chat messages a user may send the coach per minute (each starts a model call; "
        "a burst of this many, then this rate), on top of the per-second limit (`RATE_LIMITED` past it).",
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
        default=900,
        ge=10,
        le=86_400,
        description="How long a failed login counts against the two login failure limits.",
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
        description="Undelivered plan-change notifications one subscriber may hold; past that its oldest "
        "are dropped (the newest is the one that matters).",
    )
    apq_ttl_seconds: int = Field(
        default=24 * 3600,
        ge=60,
        le=30 * 24 * 3600,
        description="How long Redis keeps an automatic persisted query after its last use (`apq:{sha256}`).",
    )
    apq_max_query_bytes: int = Field(
        default=100_000,
        ge=1024,
        le=10_000_000,
        description="Largest query kept as a persisted query; a larger one still runs, sent whole.",
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
        description="Without Redis: total size of the persisted queries kept in process (least recently "
        "used go first).",
    )
    ready_max_lag_events: int = Field(
        default=10_000,
        ge=0,
        description="`/ready` fails while a projection is failed or lags by more events than this.",
    )
    google_client_ids: tuple[str, ...] = Field(
        default=(),
        description="Accepted audiences of Google ID tokens (OAuth client ids, a JSON list); empty refuses "
        "Google sign-in as not configured.",
    )
    google_jwks_url: str = Field(
        default="https://www.googleapis.com/oauth2/v3/certs",
        description="Where Google's signing keys are fetched (cached); tests point it at a local JWKS.",
    )
    apple_client_ids: tuple[str, ...] = Field(
        default=(),
        description="Accepted audiences of Apple ID tokens (service ids, a JSON list); empty refuses Apple "
        "sign-in as not configured.",
    )
    apple_jwks_url: str = Field(
        default="https://appleid.apple.com/auth/keys",
        description="Where Apple's signing keys are fetched (cached).",
    )
    response_cache: bool = Field(
        default=True,
        description="Cache signed-in users' plan reads, invalidated by the projectors at every change.",
    )
    in_process_projections: bool = Field(
        default=True,
        description="Run the projectors inside the API process; one instance per projection is active "
        "cluster-wide (advisory lock), so replicas may all leave it on. `docker-compose.yml` turns it "
        "off and runs `fitcoach project`.",
    )
    # The AI coach (application/coaching/)
    anthropic_api_key: SecretStr | None = Field(
        default=None,
        validate_default=True,
        description="Key of Anthropic's API, for Claude as the coach; unset: `ANTHROPIC_API_KEY`, and "
        "without either the offline coach answers every message. Never logged.",
    )
    anthropic_model: str = Field(
        default="claude-sonnet-4-6",
        min_length=1,
        max_length=60,
        description="The Claude model the coach asks first.",
    )
    anthropic_fallback_model: str | None = Field(
        default=None,
        min_length=1,
        max_length=60,
        description="A second Claude model asked when the first fails or its circuit is open, before the "
        "offline coach; unset: none.",
    )
    anthropic_base_url: str | None = Field(
        default=None,
        description="Where Anthropic's API is reached (a proxy or a test server); unset: Anthropic's own.",
    )
    anthropic_timeout_seconds: float = Field(
        default=30.0, gt=0, le=300, description="Most a Claude call may take before the next model answers."
    )
    coach_daily_tokens: int = Field(
        default=200_000,
        ge=0,
        le=100_000_000,
        description="Tokens (read plus written) one user's coach replies may spend per UTC day "
        "(`ai.coach_usage`); past it the offline coach answers, with a note saying so.",
    )
    coach_worker_in_process: bool = Field(
        default=True,
        description="Run the coach worker (it answers chat messages) inside the API process; replicas may "
        "all run it (each message is claimed by one). Off: run `fitcoach coach-worker` on its own, as "
        "`docker-compose.yml` does.",
    )
    coach_lease_seconds: int = Field(
        default=120,
        ge=10,
        le=600,
        description="How long a worker's claim on a message holds; a claim whose worker died is taken over "
        "after it (3 claims at most, then the reply is marked failed).",
    )
    coach_concurrency: int = Field(
        default=8, ge=1, le=1000, description="Replies one coach worker generates at once."
    )
    coach_sweep_seconds: float = Field(
        default=5.0,
        gt=0,
        le=600,
        description="How often the coach worker looks for messages still waiting (sent while no worker ran, "
        "or whose worker died).",
    )
    coach_feed_maxlen: int = Field(
        default=1000,
        ge=10,
        le=100_000,
        description="Events of one chat kept for `coachChat` to resume from (messages, reply starts, text "
        "frames of at most 50 ms, completions); Redis trims to about this many. A client whose cursor is "
        "older gets a GAP event and reads the session's messages again.",
    )
    coach_feed_ttl_seconds: int = Field(
        default=3600,
        ge=10,
        le=7 * 24 * 3600,
        description="How long a chat's events are kept after its last one (then a resuming client gets a "
        "GAP event).",
    )
    host: str = Field(
        default="127.0.0.1", description="Address `fitcoach serve` listens on (`--host` overrides it)."
    )
    port: int = Field(
        default=8000, ge=0, le=65535, description="Port `fitcoach serve` listens on (`--port` overrides it)."
    )

    @field_validator("anthropic_api_key", mode="before")
    @classmethod
    def _anthropic_key_fallback(cls, value: object) -> object:
        """Unset: Anthropic's own variable, `ANTHROPIC_API_KEY`; empty counts as unset."""
        if value is None or value == "":
            return os.environ.get("ANTHROPIC_API_KEY") or None
        return value

    @field_validator("graphiql", "introspection", mode="before")
    @classmethod
    def _follow_the_mode(cls, value: object, info: ValidationInfo) -> object:
        """Unset: on in embedded development mode, off with any server configured (fields validate in
        order, so the URLs above are in `info.data`)."""
        if value is not None:
            return value
        return all(info.data.get(url) is None for url in ("database_url", "redis_url", "kurrentdb_url"))

    @property
    def embedded_development_mode(self) -> bool:
        """No database, Redis or KurrentDB configured: everything runs on this machine, in the embedded
        PostgreSQL and in process. (After `resolve_database_url` the database URL is set: ask before.)"""
        return self.database_url is None and self.redis_url is None and self.kurrentdb_url is None

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
