"""`fitcoach serve` on the embedded defaults, end to end: no FITCOACH_* variable but a data folder and a
port, a real subprocess, a user and a plan over GraphQL, SIGTERM, and nothing left running."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from graphql.utilities import get_introspection_query

from adapters.exercise_data import shipped_library
from adapters.postgres.embedded.server import pgdata_of
from tests.adapters.postgres_embedded.embedded_postgres_dirs import new_data_dir, stop_any_server
from tests.api.graphql_client import create_plan, register
from tests.api.server import free_port

REPO = Path(__file__).resolve().parent.parent
FITCOACH = Path(sys.executable).with_name("fitcoach")  # the console script `make install` puts in .venv
START_TIMEOUT_SECONDS = 120
PLANS = "{ workoutPlans { edges { node { id name } } } }"


def embedded_env(data_dir: Path, **variables: str) -> dict[str, str]:
    """This environment without any FITCOACH_* variable, plus the data folder and `variables`."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("FITCOACH_")}
    env.pop("PROMETHEUS_MULTIPROC_DIR", None)
    return {**env, "FITCOACH_DATA_DIR": str(data_dir), **variables}


def postgres_processes_on(pgdata: Path) -> list[int]:
    """Pids of processes whose command line names `pgdata` (the embedded postmaster is started with it)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            arguments = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue  # gone meanwhile
        if arguments and arguments[0].endswith(b"postgres") and str(pgdata).encode() in arguments:
            found.append(int(entry.name))
    return found


@pytest.fixture
def data_dir() -> Iterator[Path]:
    root = new_data_dir()
    try:
        yield root
    finally:
        stop_any_server(pgdata_of(root))
        shutil.rmtree(root, ignore_errors=True)


def output_of(log: Path) -> str:
    return log.read_text(errors="replace")


async def wait_until_healthy(http: httpx.AsyncClient, process: asyncio.subprocess.Process, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if process.returncode is not None:
            pytest.fail(f"fitcoach serve exited with {process.returncode}:\n{output_of(log)}")
        try:
            if (await http.get("/health")).status_code == 200:
                return
        except httpx.TransportError:
            pass
        await asyncio.sleep(0.2)
    pytest.fail(f"fitcoach serve did not answer /health in {START_TIMEOUT_SECONDS} s:\n{output_of(log)}")


async def eventually(probe: Any, *, seconds: float = 15.0) -> Any:
    """The first truthy result of the coroutine function `probe`, polled until `seconds` pass."""
    deadline = time.monotonic() + seconds
    while True:
        result = await probe()
        if result or time.monotonic() > deadline:
            return result
        await asyncio.sleep(0.1)


async def test_fitcoach_serve_runs_on_the_embedded_defaults_and_stops_cleanly_on_sigterm(
    data_dir: Path, tmp_path: Path
) -> None:
    port = free_port()
    log = tmp_path / "serve.log"
    pgdata = pgdata_of(data_dir)
    with log.open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            FITCOACH,
            "serve",
            cwd=tmp_path,  # not the repository: the installed command must find everything itself
            env=embedded_env(data_dir, FITCOACH_PORT=str(port)),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10.0) as http:
            await wait_until_healthy(http, process, log)
            assert postgres_processes_on(pgdata), "the embedded PostgreSQL is not running"
            assert (
                f"fitcoach: serving http://127.0.0.1:{port}/graphql "
                "(embedded development mode: GraphiQL and introspection on)"
            ) in output_of(log)
            # The first start on an empty store loads the shipped exercise library.
            loaded = len(shipped_library().definitions)
            assert f"fitcoach: exercise library: added {loaded}, revised 0" in output_of(log)

            # A first look in the browser: GraphiQL, and the introspection it runs to show the schema.
            page = await http.get("/graphql", headers={"accept": "text/html"})
            assert page.status_code == 200, page.text
            assert page.headers["content-type"].startswith("text/html")
            assert "graphiql" in page.text.lower()
            introspected = await http.post(
                "/graphql", json={"query": get_introspection_query(descriptions=True)}
            )
            assert "errors" not in introspected.json(), introspected.text
            types = {entry["name"] for entry in introspected.json()["data"]["__schema"]["types"]}
            assert {"Query", "Mutation", "Subscription", "WorkoutPlan"} <= types

            ada = await register(http, "Ada")
            plan = await create_plan(ada, "Embedded legs")

            async def listed() -> bool:
                edges = (await ada.data(PLANS))["workoutPlans"]["edges"]
                return [edge["node"]["id"] for edge in edges] == [plan["id"]]

            assert await eventually(listed), "the in-process projector did not list the new plan"

            async def ready() -> httpx.Response | None:
                response = await http.get("/ready")
                return response if response.status_code == 200 else None

            answered = await eventually(ready)
            assert answered is not None, (await http.get("/ready")).text
            assert answered.json()["status"] == "ready"
            assert "redis" not in answered.json()["checks"]  # no Redis configured: caches in process

        process.send_signal(signal.SIGTERM)
        code = await asyncio.wait_for(process.wait(), 30)
        text = output_of(log)
        assert code == 0, text
        assert "embedded PostgreSQL" in text
        assert "Traceback" not in text, text
        assert not (pgdata / "postmaster.pid").exists(), "the embedded PostgreSQL was left running"
        assert postgres_processes_on(pgdata) == []
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()


def run_fitcoach(env: dict[str, str], *arguments: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(FITCOACH), *arguments],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_several_workers_without_redis_are_refused(data_dir: Path) -> None:
    done = run_fitcoach(embedded_env(data_dir, FITCOACH_PORT=str(free_port())), "serve", "--workers", "2")
    assert done.returncode == 2, done.stderr
    assert "FITCOACH_REDIS_URL" in done.stderr
    assert not (pgdata_of(data_dir) / "postmaster.pid").exists()  # refused before anything started


def test_a_bad_setting_is_named_and_nothing_starts(data_dir: Path) -> None:
    done = run_fitcoach(embedded_env(data_dir, FITCOACH_PORT="abc"), "serve")
    assert done.returncode != 0
    assert "FITCOACH_PORT" in done.stderr
    assert "Traceback" not in done.stderr, done.stderr
    assert not (pgdata_of(data_dir) / "postmaster.pid").exists()


async def test_graphiql_and_introspection_stay_off_when_forced_off_on_the_embedded_defaults(
    data_dir: Path, tmp_path: Path
) -> None:
    port = free_port()
    log = tmp_path / "serve.log"
    variables = {"FITCOACH_PORT": str(port), "FITCOACH_GRAPHIQL": "false", "FITCOACH_INTROSPECTION": "false"}
    with log.open("wb") as output:
        process = await asyncio.create_subprocess_exec(
            FITCOACH,
            "serve",
            cwd=tmp_path,
            env=embedded_env(data_dir, **variables),
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        async with httpx.AsyncClient(base_url=f"http://127.0.0.1:{port}", timeout=10.0) as http:
            await wait_until_healthy(http, process, log)
            assert "(embedded development mode: GraphiQL and introspection off)" in output_of(log)
            page = await http.get("/graphql", headers={"accept": "text/html"})
            assert page.status_code == 404
            refused = await http.post("/graphql", json={"query": "{ __schema { queryType { name } } }"})
            assert refused.json().get("data") is None, refused.text
        process.send_signal(signal.SIGTERM)
        assert await asyncio.wait_for(process.wait(), 30) == 0, output_of(log)
    finally:
        if process.returncode is None:
            process.kill()
            await process.wait()
