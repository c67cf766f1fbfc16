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
    from fitcoach.wiring.core import migrate_all, resolve_database_url

    async def prepare() -> str:
        url = await resolve_database_url(settings)
        await migrate_all(url)
        return url

    os.environ["FITCOACH_DATABASE_URL"] = asyncio.run(prepare())
    if workers > 1 and not os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        os.environ["PROMETHEUS_MULTIPROC_DIR"] = tempfile.mkdtemp(prefix="fitcoach-metrics-")
    # uvicorn re-raises SIGTERM or SIGINT after its graceful shutdown (the default actions kill the
    # process, or raise KeyboardInterrupt with a traceback). A stop that was asked for and went well is a
    # clean exit (0), and exiting normally lets the embedded PostgreSQL's exit handler stop the server
    # once the last process using it is gone.
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: sys.exit(0))
    uvicorn.run(
        APP,
        factory=True,
        host=host or settings.host,
        port=port if port is not None else settings.port,
        workers=workers,
        log_level="info",
        proxy_headers=False,
        ws_max_size=settings.max_body_bytes,
    )
    return 0
