"""The GraphQL-over-HTTP specification: media types and status codes, over a real socket."""

from __future__ import annotations

from tests.api.server import fresh_database, running_api, test_settings

GRAPHQL_RESPONSE = "application/graphql-response+json"


async def test_a_client_asking_for_graphql_response_json_gets_it_with_the_specified_status_codes(client):
    headers = {"accept": f"{GRAPHQL_RESPONSE}, application/json;q=0.9"}
    ok = await client.post("/graphql", json={"query": "{ __typename }"}, headers=headers)
    assert ok.status_code == 200
    assert ok.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert ok.json() == {"data": {"__typename": "Query"}}

    unparsable = await client.post("/graphql", json={"query": "{ __typename "}, headers=headers)
    assert unparsable.status_code == 400
    assert unparsable.headers["content-type"].startswith(GRAPHQL_RESPONSE)
    assert "data" not in unparsable.json()
    assert unparsable.json()["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"

    invalid = await client.post("/graphql", json={"query": "{ nosuchfield }"}, headers=headers)
    assert invalid.status_code == 400

    executed = await client.post("/graphql", json={"query": "{ me { id } }"}, headers=headers)
    assert executed.status_code == 200  # it ran: the error belongs to a field, not to the request
    assert executed.json()["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


async def test_a_legacy_client_gets_application_json_and_200_for_graphql_errors(client):
    response = await client.post("/graphql", json={"query": "{ __typename "})
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("application/json")
    assert response.json()["data"] is None


async def test_graphiql_is_not_served_unless_enabled(client):
    page = await client.get("/graphql", headers={"accept": "text/html"})
    assert page.status_code == 404
    assert "graphiql" not in page.text.lower()


async def test_graphiql_is_served_when_enabled_and_cors_allows_only_the_configured_origins():
    origin = "https://app.example.com"
    async with (
        fresh_database() as url,
        running_api(test_settings(url, graphiql=True, cors_origins=(origin,))) as served,
        served.client() as client,
    ):
        page = await client.get("/graphql", headers={"accept": "text/html"})
        assert page.status_code == 200
        assert "graphiql" in page.text.lower()

        preflight = {"origin": origin, "access-control-request-method": "POST",
                     "access-control-request-headers": "authorization, content-type"}  # fmt: skip
        allowed = await client.options("/graphql", headers=preflight)
        assert allowed.status_code == 200
        assert allowed.headers["access-control-allow-origin"] == origin
        refused = await client.options("/graphql", headers={**preflight, "origin": "https://evil.example"})
        assert "access-control-allow-origin" not in refused.headers

        simple = await client.post("/graphql", json={"query": "{ __typename }"}, headers={"origin": origin})
        assert simple.headers["access-control-allow-origin"] == origin
