"""Opening a psycopg connection pool the way every fitcoach adapter wants it: autocommit, timestamps in
UTC, bounded waits, and opened (or closed again) before it is handed out."""

from __future__ import annotations

from typing import Any

from psycopg_pool import AsyncConnectionPool

from adapters.postgres.store import use_utc

CHECKOUT_TIMEOUT_SECONDS = 5.0
OPEN_TIMEOUT_SECONDS = 10.0


async def open_pool(
    conninfo: str, *, min_size: int = 1, max_size: int = 10, **connection_options: Any
) -> AsyncConnectionPool:
    """An open pool; raises psycopg_pool.PoolTimeout (or psycopg errors) for the caller to translate."""
    pool = AsyncConnectionPool(
        conninfo,
        min_size=min_size,
        max_size=max_size,
        kwargs={"autocommit": True, **connection_options},
        configure=use_utc,
        timeout=CHECKOUT_TIMEOUT_SECONDS,
        open=False,
    )
    try:
        await pool.open(wait=True, timeout=OPEN_TIMEOUT_SECONDS)
    except BaseException:
        await pool.close()
        raise
    return pool
