"""Throwaway data folders for the embedded PostgreSQL: world-traversable folders under /tmp, and a way to
stop whatever server a failed test left running on one."""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import subprocess
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from adapters.embedded_postgres import pgdata_of, stop_embedded_postgres


@asynccontextmanager
async def throwaway_data_dir() -> AsyncIterator[Path]:
    """A folder under /tmp (world-traversable, as pgserver needs when run as root); the server on it is
    stopped and the folder removed afterwards."""
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
    """Whatever is still running on `pgdata` (a failed test's leftovers)."""
    if not (pgdata / "postmaster.pid").exists():
        return
    from pgserver._commands import POSTGRES_BIN_PATH

    user = "pgserver" if os.geteuid() == 0 else None
    subprocess.run(
        [str(POSTGRES_BIN_PATH / "pg_ctl"), "-D", str(pgdata), "-m", "immediate", "-w", "stop"],
        user=user,
        capture_output=True,
        check=False,
    )
