"""The Starlette app: `/graphql` (HTTP and WebSocket), `/health`, `/ready` and `/metrics`.

`create_app()` is the factory uvicorn calls; nothing is built at import time. On start-up it migrates
the schemas (idempotent, safe with several replicas), wires the services (`fitcoach.wiring.api`), hands
the schema and the view what they need (`fitcoach.wiring.web`) and, unless told otherwise, runs the
projectors in this process (one active instance cluster-wide, by advisory lock). Tests pass their own
`Api`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator

from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route, WebSocketRoute
from starlette.types import Receive, Scope, Send

from fitcoach.garbage_collection import settle_after_start_up
from fitcoach.settings import Settings, load_settings
from fitcoach.wiring.api import Api, build_api
from fitcoach.wiring.web import schema_config, web_config, web_services
from schema.build import build_schema
from web.graphql_view import FitcoachGraphQL
from web.guards import RequestGuard
from web.metrics import metrics_response, refresh_projection_lag
from web.readiness import readiness
from web.services import WebServices

log = logging.getLogger("fitcoach.server")


async def health(_request: Request) -> JSONResponse:
    """Liveness: the process answers. Readiness (dependencies reachable) is `/ready`."""
    return JSONResponse({"status": "ok"})


async def ready(request: Request) -> JSONResponse:
    web: WebServices = request.app.state.web
    report = await readiness(web.readiness)
    return JSONResponse(report.as_json(), status_code=200 if report.ready else 503)


async def metrics(request: Request) -> Response:
    api: Api = request.app.state.api
    await refresh_projection_lag(api.core.store, api.read_pool)
    return metrics_response()


class GraphQLEndpoint:
    """Forwards to the view built at start-up (the services it needs are made in the lifespan)."""

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        view: FitcoachGraphQL = scope["app"].state.view
        await view(scope, receive, send)


def create_app(settings: Settings | None = None, *, api: Api | None = None) -> Starlette:
    settings = settings or (api.settings if api is not None else load_settings())

    @contextlib.asynccontextmanager
    async def lifespan(app: Starlette) -> AsyncIterator[None]:
        services = api or await _start(settings)
        app.state.api = services
        app.state.web = web_services(services)
        schema = build_schema(schema_config(services.settings))
        app.state.view = FitcoachGraphQL(schema, app.state.web, web_config(services.settings))
        if api is None:
            settle_after_start_up()
        tasks = [
            asyncio.create_task(runner.run(), name=f"projection {runner.name}") for runner in services.runners
        ]
        if services.coach_worker is not None:
            tasks.append(asyncio.create_task(services.coach_worker.run(), name="coach worker"))
        try:
            yield
        finally:
            for runner in services.runners:
                runner.stop()
            if services.coach_worker is not None:
                services.coach_worker.stop()
            if tasks:
                await asyncio.wait(tasks, timeout=10)
            if api is None:
                await services.close()

    endpoint = GraphQLEndpoint()
    middleware = [Middleware(RequestGuard, max_body_bytes=settings.max_body_bytes)]
    if settings.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=list(settings.cors_origins),
                allow_methods=["GET", "POST"],
                allow_headers=["authorization", "content-type", "x-request-id"],
                max_age=600,
            )
        )
    return Starlette(
        routes=[
            Route("/health", health, methods=["GET"]),
            Route("/ready", ready, methods=["GET"]),
            Route("/metrics", metrics, methods=["GET"]),
            Route("/graphql", endpoint, methods=["GET", "POST"]),
            WebSocketRoute("/graphql", endpoint),
        ],
        middleware=middleware,
        lifespan=lifespan,
    )


async def _start(settings: Settings) -> Api:
    from fitcoach.wiring.core import migrate_all

    services = await build_api(settings)
    try:
        await migrate_all(services.database_url)
    except BaseException:
        await services.close()
        raise
    return services
