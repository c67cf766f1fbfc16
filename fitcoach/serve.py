"""`fitcoach serve`: the API under uvicorn, as one process or `--workers N` replicas.

The parent resolves what the replicas must share before they start: the embedded PostgreSQL (started
once, here) and a Prometheus multiprocess folder, so `/metrics` adds every replica up. Replicas share
caches, rate limits and subscriptions only through Redis, so more than one needs FITCOACH_REDIS_URL.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import tempfile

import uvicorn

from fitcoach.settings import Settings

APP = "server:create_app"


def serve(settings: Settings, *, host: str | None, port: int | None, workers: int) -> int:
    if workers < 1:
        print("fitcoach: error [BAD_SETTINGS]: --workers must be 1 or more", file=sys.stderr)
        return 2
    if workers > 1 and settings.redis_url is None:
        print(
            "fitcoach: error [BAD_SETTINGS]: several workers share caches, rate limits and subscriptions "
            "through Redis; set FITCOACH_REDIS_URL",
            file=sys.stderr,
        )
        return 2
    from fitcoach.library_commands import load_shipped_library, summary
    from fitcoach.wiring.core import migrate_all, resolve_database_url

    async def prepare() -> str:
        url = await resolve_database_url(settings)
        await migrate_all(url)
        # The first start on an empty store loads the shipped library; later starts check one stream.
        loaded = await load_shipped_library(
            settings.model_copy(update={"database_url": url}), only_if_absent=True
        )
        print(f"fitcoach: {summary(loaded)}", file=sys.stderr, flush=True)
        return url

    os.environ["FITCOACH_DATABASE_URL"] = asyncio.run(prepare())
    # With the embedded URL exported, the app's own settings would read as "servers configured": pass on
    # what the mode decided here.
    os.environ["FITCOACH_GRAPHIQL"] = "true" if settings.graphiql else "false"
    os.environ["FITCOACH_INTROSPECTION"] = "true" if settings.introspection else "false"
    if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="fitcoach-metrics-")
    # uvicorn re-raises SIGTERM or SIGINT after its graceful shutdown (the default actions kill the
    # process, or raise KeyboardInterrupt with a traceback). A stop that was asked for and went well is a
    # clean exit (0), and exiting normally lets the embedded PostgreSQL's exit handler stop the server
    # once the last process using it is gone.
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: sys.exit(0))
    host = host or settings.host
    port = port if port is not None else settings.port
    print(f"fitcoach: serving {graphql_url(host, port)} ({mode_of(settings)})", file=sys.stderr, flush=True)
    uvicorn.run(
        APP,
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level="info",
        proxy_headers=False,
        ws_max_size=settings.max_body_bytes,
    )
    return 0


def graphql_url(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port or '<free port>'}/graphql"


def mode_of(settings: Settings) -> str:
    """Which mode the settings (as configured, before the embedded database URL is resolved) are in, and
    what it means for the developer tools, e.g. "embedded development mode: GraphiQL and introspection on"."""
    mode = "embedded development mode" if settings.embedded_development_mode else "configured servers"
    tools = {"GraphiQL": settings.graphiql, "introspection": settings.introspection}
    if len(set(tools.values())) == 1:
        state = "on" if settings.graphiql else "off"
        return f"{mode}: GraphiQL and introspection {state}"
    return f"{mode}: " + ", ".join(f"{tool} {'on' if on else 'off'}" for tool, on in tools.items())
