"""Running the schemathesis CLI against a served API, as `test_schemathesis.py` does: its config, whose
dictionaries hand the fuzzer real ids and exercises, the plans those ids name, and what its output reports."""

from __future__ import annotations

import asyncio
import json
import os
import sys
from pathlib import Path
from uuid import UUID

from projections.registry import PROJECTIONS
from schema.ids import global_id, parse_global_id
from tests.api.graphql_client import Session, create_plan, exercise
from tests.api.server import RunningApi
from tests.library_support import BENCH, DEADLIFT, SQUAT

REPO = Path(__file__).resolve().parents[2]
SCHEMATHESIS = Path(sys.executable).with_name("schemathesis")
SEED = 20240601
EXERCISES = (SQUAT, BENCH, DEADLIFT)
PAGE_SIZES = [1, 20, 100]
VERSIONS = [1, 2, 3]
"""Stream versions every plan of `plans_of` has."""
RUN_TIMEOUT_SECONDS = 120
ADD = "mutation Add($input: AddExerciseInput!) { addExercise(input: $input) { userErrors { code } } }"
VERSION = (
    "mutation Version($input: CreatePlanVersionInput!) { createPlanVersion(input: $input) {"
    " userErrors { code } } }"
)


def _toml(value: object) -> str:
    return json.dumps(value)  # a JSON string or list of strings is valid TOML


def fuzz_config(
    path: Path,
    *,
    plan_ids: list[str],
    user_ids: list[str],
    library_ids: list[str] | None = None,
    session_ids: list[str] | None = None,
) -> Path:
    """A schemathesis.toml whose dictionaries bind id and exercise arguments to real values, most of the
    time (the rest stay random, so malformed ids are fuzzed too)."""
    bindings = {
        "Query.workoutPlan.id": "plans",
        "Query.node.id": "nodes",
        "Query.exercise.id": "library",
        "Query.workoutPlans.first": "page_sizes",
        "Query.exercises.first": "page_sizes",
        "Mutation.*.input.planId": "plans",
        "Mutation.*.input.exerciseId": "exercises",
        "Mutation.*.input.exercise.exerciseId": "exercises",
        "Mutation.reorderExercises.input.exerciseIds[*]": "exercises",
        "Mutation.setUserRole.input.userId": "users",
        "Mutation.forgetUser.input.userId": "users",
        "Query.coachingSession.id": "sessions",
        "Query.coachingSessions.first": "page_sizes",
        "Mutation.*.input.sessionId": "sessions",
        "Query.streamEvents.stream": "streams",
        "Query.streamEvents.first": "page_sizes",
        "Query.planAt.id": "plans",
        "Query.planAt.version": "versions",
        "Query.planDiff.id": "plans",
        "Query.planDiff.fromVersion": "versions",
        "Query.planDiff.toVersion": "versions",
        "Query.verifyProjection.name": "projections",
    }
    streams = [f"workout-{parse_global_id(plan_id)[1]}" for plan_id in plan_ids]
    streams += [str(parse_global_id(user_id)[1]) for user_id in user_ids]
    lines = [
        "[dictionaries.plans]",
        f"values = {_toml(plan_ids)}",
        "[dictionaries.users]",
        f"values = {_toml(user_ids)}",
        "[dictionaries.nodes]",
        f"values = {_toml([*plan_ids, *user_ids, *(library_ids or []), *(session_ids or [])])}",
        "[dictionaries.library]",
        f"values = {_toml(library_ids or [global_id('LibraryExercise', 'None_Defined')])}",
        "[dictionaries.sessions]",
        f"values = {_toml(session_ids or [global_id('CoachingSession', UUID(int=0))])}",
        "[dictionaries.page_sizes]",
        f"values = {_toml(PAGE_SIZES)}",
        "[dictionaries.streams]",
        f"values = {_toml(streams)}",
        "[dictionaries.versions]",
        f"values = {_toml(VERSIONS)}",
        "[dictionaries.projections]",
        f"values = {_toml([projection.name for projection in PROJECTIONS])}",
        "[dictionaries.exercises]",
        f"values = {_toml(list(EXERCISES))}",
        "[parameters]",
        *(f'{_toml(key)} = {{ dictionary = "{name}", probability = 0.8 }}' for key, name in bindings.items()),
    ]
    path.write_text("\n".join(lines) + "\n")
    return path


async def schemathesis(
    served: RunningApi, workdir: Path, config: Path, *options: str, token: str | None = None
) -> tuple[int, str]:
    """Run the schemathesis CLI against the served API; its exit code and output."""
    headers = ["--header", f"Authorization: Bearer {token}"] if token else []
    process = await asyncio.create_subprocess_exec(
        str(SCHEMATHESIS),
        "--config-file",
        str(config),
        "--no-color",
        "run",
        f"{served.url}/graphql",
        "--checks",
        "no_internal_server_error",
        "--seed",
        str(SEED),
        "--workers",
        "1",
        "--request-timeout",
        "10",
        *headers,
        *options,
        cwd=workdir,  # its reports and caches go there, not into the repository
        env={
            **os.environ,
            "SCHEMATHESIS_HOOKS": "tests.api.schemathesis_hooks",
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        },
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        output, _ = await asyncio.wait_for(process.communicate(), RUN_TIMEOUT_SECONDS)
    except TimeoutError:
        process.kill()
        await process.wait()
        raise
    assert process.returncode is not None
    return process.returncode, output.decode(errors="replace")


async def plans_of(owner: Session) -> list[str]:
    """Plans in different states: with exercises, with versions, and empty."""
    ids = []
    for name in ("Fuzzed A", "Fuzzed B", "Fuzzed C"):
        ids.append((await create_plan(owner, name))["id"])
    for plan_id in ids[:2]:
        for exercise_id in EXERCISES:
            await owner.data(ADD, {"input": {"planId": plan_id, "exercise": exercise(exercise_id)}})
        await owner.data(VERSION, {"input": {"planId": plan_id, "changeDescription": "baseline"}})
    return ids


def never_returned_data(output: str) -> set[str]:
    """The operations schemathesis lists under its "Missing test data" warning."""
    _, found, rest = output.partition("never returned data")
    if not found:
        return set()
    names = set()
    for line in rest.splitlines()[1:]:
        if not line.strip():
            continue
        if not line.strip().startswith("- "):
            break
        names.add(line.strip()[2:])
    return names
