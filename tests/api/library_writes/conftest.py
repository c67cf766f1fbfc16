"""Fixtures of the library-write tests: the served API of tests/api/conftest.py, an admin and a user
signed in to it, and a watch that fails a test on any server error."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass

import pytest

from domain.users.values import Role
from tests.api.authorization.authorization_support import sign_in_again
from tests.api.graphql_client import Session, register
from tests.api.live_support import raw_id, server_errors_fail_the_test
from tests.api.server import RunningApi


@dataclass(frozen=True)
class People:
    served: RunningApi
    admin: Session
    user: Session


@pytest.fixture(autouse=True)
def no_server_errors() -> Iterator[None]:
    with server_errors_fail_the_test():
        yield


@pytest.fixture(scope="module")
async def people(served: RunningApi) -> AsyncIterator[People]:
    async with served.client() as http:
        user, root = await register(http, "Ada"), await register(http, "Root")
        await served.api.accounts.set_role(raw_id(root.user_id), Role.ADMIN)
        yield People(served, await sign_in_again(root), user)
