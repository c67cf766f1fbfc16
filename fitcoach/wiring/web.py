"""What the composition root hands the GraphQL and web layers: their configs, made from the settings, and
their services, taken from the built `Api`. Neither layer sees `Settings` or `Api` itself."""

from __future__ import annotations

from functools import partial

from application.rate_limits import RateLimit, TokenBucket
from fitcoach.settings import Settings
from fitcoach.wiring.api import Api
from projections.status import projection_status_from_pool
from schema.build import SchemaConfig
from schema.context import Services
from web.readiness import ReadinessProbes
from web.services import WebConfig, WebServices

PER_MINUTE = 60
"""A rate limit's window of one minute, in seconds."""


def schema_config(settings: Settings) -> SchemaConfig:
    return SchemaConfig(
        max_query_depth=settings.max_query_depth,
        max_aliases=settings.max_aliases,
        max_tokens=settings.max_tokens,
        max_query_cost=settings.max_query_cost,
        execution_slice_seconds=settings.execution_slice_ms / 1000,
        introspection=settings.introspection,
    )


def web_config(settings: Settings) -> WebConfig:
    return WebConfig(
        graphiql=settings.graphiql,
        cors_origins=settings.cors_origins,
        max_tokens=settings.max_tokens,
        max_response_bytes=settings.max_response_bytes,
        max_ws_connections=settings.max_ws_connections,
        max_ws_per_user=settings.max_ws_per_user,
        max_ws_operations_per_user=settings.max_ws_subscriptions_per_user,
        max_ws_subscriptions=settings.max_ws_subscriptions,
        ws_session_check_seconds=settings.ws_session_check_seconds,
        apq_registrations=RateLimit(settings.apq_registrations_per_minute, PER_MINUTE),
    )


def resolver_services(api: Api) -> Services:
    settings = api.settings
    return Services(
        plan_commands=api.plan_commands,
        library_commands=api.library_commands,
        plan_reads=api.plan_reads,
        coaching=api.coaching_commands,
        suggestions=api.suggestion_acceptance,
        coaching_reads=api.coaching_reads,
        library_reads=api.library_reads,
        users=api.user_read_model,
        accounts=api.accounts,
        audit=api.audit,
        pubsub=api.pubsub,
        chat_feed=api.chat_feed,
        auth_attempts=api.rate_limiter,
        auth_limit=RateLimit(settings.auth_rate_limit_per_minute, PER_MINUTE),
        mutation_buckets=api.mutation_buckets,
        mutation_bucket=TokenBucket(
            settings.mutation_rate_limit_burst, settings.mutation_rate_limit_per_minute
        ),
        read_model_verification=api.read_model_verification,
        erasure=api.erasure,
    )


def web_services(api: Api) -> WebServices:
    return WebServices(
        resolvers=resolver_services(api),
        sessions=api.sessions,
        persisted_queries=api.persisted_queries,
        registrations=api.rate_limiter,
        responses=api.responses,
        readiness=ReadinessProbes(
            event_store=api.core.store,
            read_models=api.plan_read_model,
            redis=api.pubsub if api.settings.redis_url is not None else None,
            projections=partial(projection_status_from_pool, api.core.store, api.read_pool),
            max_lag_events=api.settings.ready_max_lag_events,
        ),
    )
