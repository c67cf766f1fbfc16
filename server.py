"""The Starlette app.

For now it serves liveness only; the GraphQL API, readiness and metrics are built on it by the API issue.
Nothing is built at import time: `create_app()` is the factory uvicorn calls.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route


async def health(_request: Request) -> JSONResponse:
    """Liveness: the process answers. Readiness (dependencies reachable) is a separate route."""
    return JSONResponse({"status": "ok"})


def create_app() -> Starlette:
    return Starlette(routes=[Route("/health", health, methods=["GET"])])
