"""Schemathesis fuzzes the served API over its socket and finds no server error.

The schema is loaded by introspection from a real server (uvicorn, PostgreSQL, Redis, projectors in
process). Every query and mutation is fuzzed without a token (the auth checks), and again as a
signed-in user (all but `logout`, which would end the run's session) whose plans, exercises and ids
the fuzzer is handed through dictionaries, so generated requests reach the resolvers and the domain,
not only "not found"; the admin operations (mutations, the auditors' queries) are fuzzed as an admin
too. A server error is what `schemathesis_hooks.no_internal_server_error` says: an HTTP 5xx, a body that
is not JSON, or a GraphQL error coded INTERNAL_SERVER_ERROR or not coded at all.

The seed is fixed so that runs are repeatable; a failure is shown with its request as a curl line.
"""

from __future__ import annotations

import base64
from pathlib import Path
from uuid import UUID

import pytest

from domain.users.values import Role
from schema.errors import BadUserInput
from schema.ids import global_id, parse_global_id
from schema.pages import parse_plan_cursor, parse_version_cursor
from tests.adapters.api_ports.redis_server import eventually
from tests.api.coaching.coach_support import start_session
from tests.api.graphql_client import Session, create_plan, data, register
from tests.api.schemathesis_runner import fuzz_config, never_returned_data, plans_of, schemathesis
from tests.api.server import fresh_database, running_api, test_settings
from tests.library_support import TEST_LIBRARY


async def defined_library(user: Session) -> list[str]:
    """The global ids of the shared test library's exercises (every served API holds it), once projected."""

    async def projected() -> bool:
        found = await user.data("{ exercises(first: 1) { totalCount } }")
        return bool(found["exercises"]["totalCount"] == len(TEST_LIBRARY))

    assert await eventually(projected, attempts=400)
    return [global_id("LibraryExercise", exercise.exercise_id) for exercise in TEST_LIBRARY]


ADMIN_OPERATIONS = (
    "Mutation.setUserRole",
    "Mutation.forgetUser",
    "Mutation.defineExercise",
    "Mutation.reviseExercise",
    "Mutation.retireExercise",
    "Query.streamEvents",
    "Query.planAt",
    "Query.planDiff",
    "Query.verifyProjection",
)


async def test_schemathesis_finds_no_server_error_with_or_without_a_token(tmp_path: Path) -> None:
    async with (
        fresh_database("fitcoach_fuzz") as url,
        running_api(test_settings(url, introspection=True)) as served,
        served.client() as client,
    ):
        user, other, admin = [await register(client, name) for name in ("Fuzz", "Other", "Admin")]
        plans = [*await plans_of(user), (await create_plan(other, "Not yours"))["id"]]
        library_ids = await defined_library(user)
        sessions = [
            (await start_session(user, planId=plans[0]))["id"],
            (await start_session(user))["id"],
            (await start_session(other))["id"],
        ]
        _, admin_id = parse_global_id(admin.user_id, expect="User")
        await served.api.accounts.set_role(admin_id, Role.ADMIN)
        assert (await data(client, "{ me { role } }", token=admin.access_token))["me"]["role"] == "ADMIN"
        config = fuzz_config(
            tmp_path / "schemathesis.toml",
            plan_ids=plans,
            user_ids=[other.user_id, user.user_id, global_id("User", UUID(int=1))],
            library_ids=library_ids,
            session_ids=sessions,
        )

        runs = {
            "without a token": await schemathesis(served, tmp_path, config, "--max-examples", "20"),
            # logout would end the session the rest of the run uses; it is fuzzed without a token.
            "as a user": await schemathesis(
                served,
                tmp_path,
                config,
                "--max-examples",
                "25",
                "--exclude-name",
                "Mutation.logout",
                token=user.access_token,
            ),
            "as an admin": await schemathesis(
                served,
                tmp_path,
                config,
                "--max-examples",
                "40",
                *(option for name in ADMIN_OPERATIONS for option in ("--include-name", name)),
                token=admin.access_token,
            ),
        }
    for who, (code, output) in runs.items():
        assert code == 0, f"schemathesis {who} failed (exit {code}):\n{output[-20_000:]}"
        assert "Fuzzing" in output, output[-5_000:]
    # The dictionaries work: as the user, every operation but the admins' answered with data at least once.
    assert never_returned_data(runs["as a user"][1]) <= set(ADMIN_OPERATIONS), runs["as a user"][1]
    assert never_returned_data(runs["as an admin"][1]) == set(), runs["as an admin"][1]


# What fuzzing found, kept as plain regressions (each was an INTERNAL_SERVER_ERROR).


@pytest.mark.parametrize("cursor", ["\u6ff9\u0080^\u00c0", "é"])
def test_a_cursor_that_is_not_ascii_base64_is_bad_user_input(cursor: str) -> None:
    with pytest.raises(BadUserInput, match="after"):
        parse_plan_cursor(cursor)


def test_a_version_cursor_with_a_digit_int_cannot_read_is_bad_user_input() -> None:
    superscript_two = base64.urlsafe_b64encode("version|\u00b2".encode()).decode()  # "²".isdigit() is True
    with pytest.raises(BadUserInput, match="after"):
        parse_version_cursor(superscript_two)
