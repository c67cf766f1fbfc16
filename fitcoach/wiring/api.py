"""The composition root of the API process: `build_api` wires every service the GraphQL layer uses.

Core and projection wiring live in `fitcoach.wiring.core`; this module adds the API's own, with the
adapters it picks from the settings in `fitcoach.wiring.adapters`; `fitcoach.wiring.web` then hands the
schema and the web layer what they need. Nothing connects at import time, and tests pass their own
adapters.
"""

from __future__ import annotations

import contextlib
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import TYPE_CHECKING

from application.audit.reads import AuditReads
from application.audit.verify import ReadModelVerification
from application.auth_ports import PasswordHasher
from application.cache import Cache
from application.coaching.acceptance import SuggestionAcceptance
from application.coaching.chat_feed import ChatFeed
from application.coaching.commands import CoachingCommands
from application.coaching.limits import CoachLimitPolicy, CoachLimits
from application.coaching.reads import CoachingReads
from application.eventstore import EventStore
from application.exercise_catalogue import LoggedExerciseCatalogue
from application.library_commands import LibraryCommands
from application.library_reads import LibraryReads
from application.persisted_queries import PersistedQueries
from application.plan_commands import PlanCommands
from application.plan_reads import PlanReads
from application.privacy.erasure import UserErasure
from application.pubsub import PubSub
from application.rate_limits import RateLimiter, TokenBuckets
from application.response_cache import ResponseCache
from domain.users.values import IdentityProvider
from fitcoach.settings import Settings
from fitcoach.wiring.adapters import (
    api_cache_from,
    chat_feed_from,
    jwt_secret_for,
    local_login_record,
    mutation_buckets_from,
    pubsub_from,
    redis_stores_from,
)
from fitcoach.wiring.core import (
    Core,
    audit_reads_for,
    build_core,
    build_projection_runners,
    coaching_handler,
    read_model_verification,
    resolve_database_url,
)
from projections.runner import ProjectionRunner

if TYPE_CHECKING:
    from psycopg_pool import AsyncConnectionPool

    from adapters.postgres.plan_read_model import PostgresPlanReadModel
    from adapters.postgres.user_read_model import PostgresUserReadModel
    from application.accounts import Accounts
    from application.coaching.worker import CoachWorker
    from application.session_check import SessionCheck


@dataclass(slots=True)
class Api:
    """Everything the GraphQL API uses, built once per process by `build_api` and closed on shutdown."""

    settings: Settings
    database_url: str
    read_pool: AsyncConnectionPool
    """The read models' and token store's pool, which `/ready` and `/metrics` borrow from too."""
    core: Core
    plan_commands: PlanCommands
    library_commands: LibraryCommands
    plan_reads: PlanReads
    plan_read_model: PostgresPlanReadModel
    coaching_commands: CoachingCommands
    suggestion_acceptance: SuggestionAcceptance
    coaching_reads: CoachingReads
    library_reads: LibraryReads
    user_read_model: PostgresUserReadModel
    accounts: Accounts
    sessions: SessionCheck
    audit: AuditReads
    cache: Cache
    pubsub: PubSub
    chat_feed: ChatFeed
    """Every chat's events, for `coachChat` (the coach worker writes its replies into it)."""
    rate_limiter: RateLimiter
    persisted_queries: PersistedQueries
    mutation_buckets: TokenBuckets
    read_model_verification: ReadModelVerification
    erasure: UserErasure
    responses: ResponseCache | None = None
    """Cached read results (None when FITCOACH_RESPONSE_CACHE is off)."""
    runners: list[ProjectionRunner] = field(default_factory=list)
    coach_worker: CoachWorker | None = None
    """Answers chat messages in this process (None when FITCOACH_COACH_WORKER_IN_PROCESS is off)."""
    closers: list[Callable[[], Awaitable[None]]] = field(default_factory=list)

    async def close(self) -> None:
        for runner in self.runners:
            runner.stop()
        if self.coach_worker is not None:
            self.coach_worker.stop()
        for close in reversed(self.closers):
            with contextlib.suppress(Exception):
                await close()


async def build_api(
    settings: Settings,
    *,
    store: EventStore | None = None,
    cache: Cache | None = None,
    pubsub: PubSub | None = None,
    passwords: PasswordHasher | None = None,
    run_projections: bool | None = None,
    run_coach_worker: bool | None = None,
) -> Api:
    """The API's services. Tests pass their own adapters; the rest follows the settings."""
    from adapters.auth.access_tokens import JwtAccessTokens
    from adapters.auth.oidc import OidcIdTokenVerifier, apple, google
    from adapters.auth.passwords import Argon2PasswordHasher
    from adapters.postgres.checkpoints import PostgresCheckpointWaiter
    from adapters.postgres.coaching_read_model import PostgresCoachingReadModel
    from adapters.postgres.library_read_model import PostgresLibraryReadModel
    from adapters.postgres.plan_read_model import PostgresPlanReadModel
    from adapters.postgres.pool import open_pool
    from adapters.postgres.refresh_tokens import PostgresRefreshTokens
    from adapters.postgres.user_read_model import PostgresUserReadModel
    from application.accounts import Accounts, AccountsConfig
    from application.login_throttle import LoginThrottle, LoginThrottlePolicy
    from application.session_check import SessionCheck

    database_url = await resolve_database_url(settings)
    settings = settings.model_copy(update={"database_url": database_url})
    closers: list[Callable[[], Awaitable[None]]] = []
    try:
        core = await build_core(settings, store=store)
        closers.append(core.close)
        # One pool for the read models and the token store: a replica's connections stay bounded by
        # FITCOACH_DB_POOL_MAX_SIZE here plus the event store's own pool.
        reads = await open_pool(
            database_url, min_size=settings.db_pool_min_size, max_size=settings.db_pool_max_size
        )
        closers.append(reads.close)
        plan_read_model = PostgresPlanReadModel(reads)
        user_read_model = PostgresUserReadModel(reads)
        refresh_tokens = PostgresRefreshTokens(reads)
        cache = cache or await api_cache_from(settings)
        closers.append(cache.close)
        pubsub = pubsub or await pubsub_from(settings)
        closers.append(pubsub.close)
        chat_feed = await chat_feed_from(settings, pubsub)
        closers.append(chat_feed.close)
        rate_limiter, persisted_queries = await redis_stores_from(settings, closers)
        mutation_buckets = await mutation_buckets_from(settings, closers)
        checkpoints = await PostgresCheckpointWaiter.start(database_url)
        closers.append(checkpoints.close)
        id_tokens = OidcIdTokenVerifier(
            {
                IdentityProvider.GOOGLE: google(
                    settings.google_client_ids, jwks_url=settings.google_jwks_url
                ),
                IdentityProvider.APPLE: apple(settings.apple_client_ids, jwks_url=settings.apple_jwks_url),
            }
        )
        closers.append(id_tokens.close)
        sessions = SessionCheck(cache, refresh_tokens, core.store)
        login_policy = LoginThrottlePolicy(
            failures_per_address=settings.login_failures_per_address,
            account_failure_threshold=settings.login_account_failure_threshold,
            window_seconds=settings.login_failure_window_seconds,
        )
        accounts = Accounts(
            core.store,
            session_check=sessions,
            passwords=passwords or Argon2PasswordHasher(),
            access_tokens=JwtAccessTokens(
                jwt_secret_for(settings), ttl=timedelta(minutes=settings.access_token_minutes)
            ),
            refresh_tokens=refresh_tokens,
            id_tokens=id_tokens,
            login_throttle=LoginThrottle(rate_limiter, login_policy, local=local_login_record(settings)),
            config=AccountsConfig(
                refresh_token_ttl=timedelta(days=settings.refresh_token_days),
                refresh_reuse_interval=timedelta(seconds=settings.refresh_reuse_seconds),
                command_retries=settings.command_retries,
            ),
        )
        plan_commands = PlanCommands(core.store, core.plans, LoggedExerciseCatalogue(core.store))
        coach_limits = CoachLimits(
            mutation_buckets,
            CoachLimitPolicy(settings.coach_rate_limit_per_second, settings.coach_messages_per_minute),
        )
        coaching_read_model = PostgresCoachingReadModel(reads)
        coaching_commands = CoachingCommands(
            core.store, coaching_handler(settings, core.store), plan_commands, coach_limits, chat_feed
        )
        api = Api(
            settings=settings,
            database_url=database_url,
            read_pool=reads,
            core=core,
            plan_commands=plan_commands,
            library_commands=LibraryCommands(core.store, core.library),
            plan_reads=PlanReads(plan_read_model, cache, checkpoints),
            plan_read_model=plan_read_model,
            coaching_commands=coaching_commands,
            suggestion_acceptance=SuggestionAcceptance(core.store, coaching_commands, coach_limits),
            coaching_reads=CoachingReads(coaching_read_model, checkpoints, chat_feed, core.store),
            library_reads=LibraryReads(PostgresLibraryReadModel(reads), cache),
            user_read_model=user_read_model,
            accounts=accounts,
            sessions=sessions,
            audit=audit_reads_for(core.store),
            cache=cache,
            pubsub=pubsub,
            chat_feed=chat_feed,
            rate_limiter=rate_limiter,
            persisted_queries=persisted_queries,
            mutation_buckets=mutation_buckets,
            read_model_verification=read_model_verification(core.store, database_url),
            erasure=UserErasure(
                core.store,
                refresh_tokens=refresh_tokens,
                session_check=sessions,
                coaching=coaching_read_model,
                chat_feed=chat_feed,
                command_retries=settings.command_retries,
            ),
            responses=ResponseCache(cache, checkpoints) if settings.response_cache else None,
            closers=closers,
        )
    except BaseException:
        for close in reversed(closers):
            with contextlib.suppress(Exception):
                await close()
        raise
    if settings.in_process_projections if run_projections is None else run_projections:
        api.runners = build_projection_runners(settings, core.store, cache=cache, publisher=pubsub)
    if settings.coach_worker_in_process if run_coach_worker is None else run_coach_worker:
        from fitcoach.wiring.coach import build_coach_worker

        api.coach_worker = build_coach_worker(
            settings,
            core.store,
            feed=api.chat_feed,
            cache=api.cache,
            read_pool=api.read_pool,
            library=api.library_reads,  # the searches cached per library generation
            closers=api.closers,
        )
    return api
