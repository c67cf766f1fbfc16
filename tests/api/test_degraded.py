"""When a store behind the API is down, clients are told to retry, never that their token is bad."""

from __future__ import annotations

import pytest

from application.auth_errors import TokenStoreUnavailable
from application.auth_ports import AccessClaims, Session
from tests.api.graphql_client import register


async def session_store_down(claims: AccessClaims) -> Session:
    raise TokenStoreUnavailable()


async def test_a_session_check_that_cannot_answer_is_a_503_not_unauthenticated(served, client):
    ada = await register(client, "Ada")
    me = {"json": {"query": "{ me { id } }"}, "headers": {"authorization": f"Bearer {ada.access_token}"}}
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(served.api.sessions, "check", session_store_down)
        response = await client.post(
            "/graphql",
            json={"query": "{ me { id } }"},
            headers={"authorization": f"Bearer {ada.access_token}"},
        )
    assert response.status_code == 503
    assert response.headers["retry-after"] == "1"
    assert response.json()["errors"][0]["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    again = await client.post("/graphql", **me)
    assert again.json() == {"data": {"me": {"id": ada.user_id}}}
