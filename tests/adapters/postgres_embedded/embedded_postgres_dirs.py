"""Throwaway data folders for the embedded PostgreSQL: world-traversable folders under /tmp, and a way to
stop whatever server a failed test left running on one."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import signal
import tempfile
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from adapters.postgres.embedded.cluster import Postmaster
from adapters.postgres.embedded.server import pgdata_of, stop_embedded_postgres


@asynccontextmanager
async def throwaway_data_dir() -> AsyncIterator[Path]:
    """A folder under /tmp (which the system user 'pgserver' can enter, as it must when tests run as
    root); the server on it is stopped and the folder removed afterwards."""
    root = new_data_dir()
    try:
        yield root
    finally:
        with contextlib.suppress(Exception):
            await stop_embedded_postgres(root)
        await asyncio.to_thread(stop_any_server, pgdata_of(root))
        shutil.rmtree(root, ignore_errors=True)


def new_data_dir() -> Path:
    root = Path(tempfile.mkdtemp(prefix="fitcoach-embedded-", dir="/tmp"))
    root.chmod(0o755)
    return root


def stop_any_server(pgdata: Path) -> None:
    """Whatever is still running on `pgdata` (a failed test's leftovers): an immediate shutdown, as
    `pg_ctl stop -m immediate` does it, whichever programs it runs from."""
    postmaster = Postmaster.read(pgdata)
    if postmaster is None:
        return
    with contextlib.suppress(ProcessLookupError):
        os.kill(postmaster.pid, signal.SIGQUIT)
    deadline = time.monotonic() + 30
    while (pgdata / "postmaster.pid").exists() and time.monotonic() < deadline:
        time.sleep(0.05)
