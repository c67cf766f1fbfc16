"""The coach worker's wiring: the models of the fallback chain from the settings (Claude when a key is set,
an optional second Claude model, the offline coach last) and the worker over the ports it uses. The API
process runs it in process (`FITCOACH_COACH_WORKER_IN_PROCESS`), `fitcoach coach-worker` on its own."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING

from application.cache import Cache
from application.coaching.chat_feed import ChatFeed
from application.coaching.context import CoachContextBuilder
from application.coaching.fallback import FallbackCoachModel
from application.coaching.generation import ReplyGenerator, ReplyPolicy
from application.coaching.metrics import CoachMetrics
from application.coaching.model import CoachModel
from application.coaching.offline_coach import OfflineCoachModel
from application.coaching.worker import CoachWorker
from application.library_views import LibraryReadModel
from application.privacy.opened_store import OpenedEventStore
from fitcoach.settings import Settings
from fitcoach.wiring.core import coaching_handler

if TYPE_CHECKING:
    from psycopg_pool import AsyncConnectionPool

log = logging.getLogger("fitcoach.coach")
Closer = Callable[[], Awaitable[None]]


def coach_models_from(
    settings: Settings, metrics: CoachMetrics, closers: list[Closer]
) -> tuple[FallbackCoachModel, OfflineCoachModel]:
    """The fallback chain and its last link, the offline coach (the only link without a key)."""
    offline = OfflineCoachModel()
    links: list[CoachModel] = []
    key = settings.anthropic_api_key
    if key is not None:
        from adapters.anthropic.coach_model import AnthropicCoachModel

        models = [settings.anthropic_model]
        if settings.anthropic_fallback_model and settings.anthropic_fallback_model not in models:
            models.append(settings.anthropic_fallback_model)
        for model in models:
            claude = AnthropicCoachModel.connect(
                key.get_secret_value(),
                model,
                base_url=settings.anthropic_base_url,
                timeout_seconds=settings.anthropic_timeout_seconds,
            )
            closers.append(claude.close)
            links.append(claude)
    links.append(offline)
    log.info("coach models: %s", ", ".join(f"{link.provider}:{link.model}" for link in links))
    return FallbackCoachModel(links, metrics), offline


def build_coach_worker(
    settings: Settings,
    store: OpenedEventStore,
    *,
    feed: ChatFeed,
    cache: Cache,
    read_pool: AsyncConnectionPool,
    library: LibraryReadModel,
    closers: list[Closer],
) -> CoachWorker:
    """The worker over the read models of `read_pool` (its owner closes it); its model clients' closers are
    appended to `closers`."""
    from adapters.postgres.coaching_read_model import PostgresCoachingReadModel
    from adapters.postgres.plan_read_model import PostgresPlanReadModel
    from adapters.prometheus.coach_metrics import PrometheusCoachMetrics

    metrics = PrometheusCoachMetrics()
    chain, offline = coach_models_from(settings, metrics, closers)
    coaching = PostgresCoachingReadModel(read_pool)
    generator = ReplyGenerator(
        store=store,
        handler=coaching_handler(settings, store),
        context=CoachContextBuilder(store, PostgresPlanReadModel(read_pool), library),
        model=chain,
        offline=offline,
        feed=feed,
        cache=cache,
        usage=coaching,
        library=library,
        metrics=metrics,
        policy=ReplyPolicy(
            lease_seconds=settings.coach_lease_seconds, daily_tokens=settings.coach_daily_tokens
        ),
    )
    return CoachWorker(
        store.stored,  # it follows only each record's type and stream: nothing to open
        generator,
        coaching,
        concurrency=settings.coach_concurrency,
        sweep_seconds=settings.coach_sweep_seconds,
    )
