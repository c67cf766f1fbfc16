"""`fitcoach users forget USER_ID`, run as the real command line against PostgreSQL: the key is deleted,
`UserForgotten` recorded, the user's personal fields read as erased; a second run finishes nothing more;
bad ids get a stable code and exit status 1."""

from __future__ import annotations

import asyncio
import json
import os
import sys
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import pytest

from adapters.postgres.auth_schema import migrate_auth
from adapters.postgres.store import PostgresEventStore
from application.handler import CommandHandler, CommandMetadata
from application.privacy.opened_store import OpenedEventStore
from application.users import load_user
from domain.users import ForgottenUser, user_stream
from domain.users.commands import RegisterUser
from domain.users.decider import USERS
from tests.domain.users import HASH
from tests.privacy_support import opened_on_postgres
from tests.projections import migrated_database
from tests.projections.projector_process import REPO


@pytest.fixture
async def database() -> AsyncIterator[tuple[str, OpenedEventStore]]:
    async with migrated_database("fitcoach_forget_cli") as url:
        await migrate_auth(url)
        store = await opened_on_postgres(await PostgresEventStore.connect(url, max_size=2), url)
        try:
            yield url, store
        finally:
            await store.close()


async def forget(url: str, *args: str) -> tuple[int, str, str]:
    return await fitcoach(url, "users", "forget", *args)


async def fitcoach(url: str, *args: str) -> tuple[int, str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("FITCOACH_")}
    env.update(FITCOACH_DATABASE_URL=url, FITCOACH_EVENT_STORE="postgres")
    process = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "fitcoach.cli", *args,
        cwd=REPO, env=env, stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE,
    )  # fmt: skip
    stdout, stderr = await asyncio.wait_for(process.communicate(), timeout=120)
    assert process.returncode is not None
    return process.returncode, stdout.decode(), stderr.decode()


async def test_forget_erases_the_user_and_a_second_run_finishes_nothing_more(database):
    url, store = database
    user_id, email = uuid.uuid4(), f"cli.{uuid.uuid4().hex[:10]}@example.com"
    register = RegisterUser(
        user_id=user_id, email=email, password_hash=HASH, display_name="Cli User", at=datetime.now(UTC)
    )
    command_id = uuid.uuid4()
    await CommandHandler(store, USERS, vault=store.vault).handle(
        register, CommandMetadata(command_id=command_id, correlation_id=command_id, user_id=user_id)
    )

    status, stdout, stderr = await forget(url, str(user_id), "--json")
    assert status == 0, stderr
    done = json.loads(stdout)
    assert (done["user_id"], done["key_deleted"], done["already_forgotten"]) == (str(user_id), True, False)
    assert email not in stderr
    assert isinstance(await load_user(store, user_id), ForgottenUser)
    registered = (await store.read_stream(user_stream(user_id)))[0]
    assert (registered.data["email"], registered.data["display_name"]) == ("", "")
    stored = (await store.stored.read_stream(user_stream(user_id)))[0]
    assert email not in json.dumps(stored.data)

    status, stdout, stderr = await forget(url, str(user_id))
    assert status == 0, stderr
    assert stdout.startswith(f"forgot user {user_id}: data key already gone")
    assert "forgotten before" in stderr

    # An auditor sees the user forgotten, and what they were before it without their personal data.
    status, stdout, stderr = await fitcoach(url, "audit", "state", "user", str(user_id), "--version", "2")
    assert status == 0, stderr
    assert "forgotten (personal data erased) at" in stdout
    status, stdout, stderr = await fitcoach(
        url, "audit", "state", "user", str(user_id), "--version", "1", "--json"
    )
    assert status == 0, stderr
    before = json.loads(stdout)
    assert (before["user"]["email"], before["user"]["display_name"], before["forgotten_at"]) == ("", "", None)
    assert email not in stdout


@pytest.mark.parametrize(("user_id", "code"), [("not-a-uuid", "BAD_USER_INPUT"), (None, "USER_NOT_FOUND")])
async def test_a_bad_id_gets_a_stable_code_and_exit_status_1(database, user_id, code):
    url, _ = database
    status, _, stderr = await forget(url, user_id or str(uuid.uuid4()))
    assert status == 1
    assert f"[{code}]" in stderr
