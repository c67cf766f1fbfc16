"""The embedded PostgreSQL is the zero-configuration default, for real: with no database URL the app
resolves to pgserver's PostgreSQL 16 in a data folder (never inside a home folder as root), and every
`fitcoach` command works on it and stops it on exit."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from adapters.postgres.embedded.access import EmbeddedPostgresError, check_data_dir
from adapters.postgres.embedded.server import pgdata_of
from fitcoach.settings import Settings, default_data_dir
from fitcoach.wiring.core import resolve_database_url
from tests.adapters.postgres_embedded.embedded_postgres_dirs import (
    new_data_dir,
    stop_any_server,
    throwaway_data_dir,
)

REPO = Path(__file__).resolve().parents[3]


async def test_the_database_url_resolves_to_the_setting_or_else_the_embedded_server() -> None:
    configured = Settings(database_url="postgresql://postgres@db.invalid:5432/fitcoach")
    assert not configured.uses_embedded_postgres
    assert await resolve_database_url(configured) == configured.database_url
    async with throwaway_data_dir() as data_dir:
        embedded = Settings(database_url=None, data_dir=data_dir)
        assert embedded.uses_embedded_postgres
        with pytest.raises(RuntimeError, match="resolve_database_url"):
            _ = embedded.resolved_database_url
        url = await resolve_database_url(embedded)
        assert await resolve_database_url(embedded) == url  # idempotent within a process
        resolved = embedded.model_copy(update={"database_url": url})
        assert resolved.resolved_database_url == url


def test_as_root_a_data_folder_inside_a_home_folder_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    # The rule depends only on the effective uid, so both sides are checked whoever runs the tests.
    monkeypatch.setattr(os, "geteuid", lambda: 0)
    for inside_a_home in (Path("/root/fitcoach"), Path("/home/someone/fitcoach"), Path.home() / "data"):
        with pytest.raises(EmbeddedPostgresError, match="home folder"):
            check_data_dir(inside_a_home)
    check_data_dir(Path("/var/lib/fitcoach"))
    assert default_data_dir() == Path("/var/lib/fitcoach")


def test_as_another_user_the_data_folder_may_be_in_a_home_folder(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(os, "geteuid", lambda: 1000)
    monkeypatch.setenv("XDG_DATA_HOME", "/home/someone/.local/share")
    check_data_dir(Path("/home/someone/fitcoach"))
    assert default_data_dir() == Path("/home/someone/.local/share/fitcoach")


def test_fitcoach_commands_work_with_no_database_configured() -> None:
    root = new_data_dir()
    env = {key: value for key, value in os.environ.items() if not key.startswith("FITCOACH_")}
    env["FITCOACH_DATA_DIR"] = str(root)
    try:
        for command, expected in (
            (["migrate"], "migrated"),
            (["projections", "status"], "workout_plans"),
            (["projections", "rebuild", "workout_plans"], "rebuilt workout_plans"),
        ):
            done = subprocess.run(
                [sys.executable, "-m", "fitcoach.cli", *command],
                cwd=REPO,
                env=env,
                capture_output=True,
                text=True,
                timeout=120,
                check=False,
            )
            assert done.returncode == 0, done.stderr
            assert expected in done.stdout
        assert not (pgdata_of(root) / "postmaster.pid").exists()  # each command stopped it on exit
    finally:
        stop_any_server(pgdata_of(root))
        shutil.rmtree(root, ignore_errors=True)
