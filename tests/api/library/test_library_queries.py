"""`exercises`, `exercise` and `node` over a real socket: search with typos, filters as enums, Relay
pages, bounded `first`, clear errors with stable codes, retired exercises readable by id only, sign-in
needed; a repeated search is answered from the cache, a library change is seen at once."""

from __future__ import annotations

import math
import uuid
from typing import Any

import pytest

from domain.library.commands import ExerciseChanges
from domain.library.values import Level
from tests.adapters.api_ports.redis_server import eventually
from tests.api.graphql_client import Session, execute, register
from tests.api.library.conftest import RETIRED, LibraryApi, library_id, mine
from tests.library_support import TEST_LIBRARY
from tests.projections.library.library_support import CATALOGUE

SEARCH = """
query($search: String, $muscles: [Muscle!], $equipment: [Equipment!], $level: Level, $category: Category,
      $pattern: MovementPattern, $exclude: [String!], $first: Int, $after: String) {
  exercises(search: $search, muscles: $muscles, equipment: $equipment, level: $level, category: $category,
            pattern: $pattern, excludeContraindications: $exclude, first: $first, after: $after) {
    totalCount
    pageInfo { hasNextPage hasPreviousPage startCursor endCursor }
    edges { cursor node { id exerciseId name level equipment primaryMuscles patterns contraindications } }
    restrictions { excluded }
  }
}"""


async def search(viewer: Session, **variables: Any) -> dict[str, Any]:
    found: dict[str, Any] = (await viewer.data(SEARCH, variables))["exercises"]
    return found


def ids(connection: dict[str, Any]) -> list[str]:
    """This module's exercises in the answer, in its order (the shared test library's are there too)."""
    return mine([edge["node"]["exerciseId"] for edge in connection["edges"]])


async def errors(viewer: Session, query: str, variables: dict[str, Any]) -> list[dict[str, Any]]:
    body = await viewer.execute(query, variables)
    assert body.get("errors"), body
    found: list[dict[str, Any]] = body["errors"]
    return found


@pytest.mark.parametrize(
    ("typed", "first"),
    [("benchpress", "T_Bench_Press"), ("dedlift", "T_Deadlift"), ("shoulder pres", "T_Shoulder_Press")],
)
async def test_a_search_with_typos_finds_the_exercise_first(
    library_api: LibraryApi, typed: str, first: str
) -> None:
    found = await search(library_api.viewer, search=typed)
    assert ids(found)[0] == first
    # Among the first two overall: the shared test library may hold a shorter name for the same thing.
    assert first in [edge["node"]["exerciseId"] for edge in found["edges"][:2]]
    assert found["restrictions"] is None  # no availableTo, no restrictions


async def test_filters_are_enums_and_narrow(library_api: LibraryApi) -> None:
    viewer = library_api.viewer
    assert sorted(ids(await search(viewer, muscles=["HAMSTRINGS", "BICEPS"]))) == [
        "T_Curl_Press",
        "T_Hamstring_Stretch",
    ]
    assert ids(await search(viewer, level="EXPERT")) == ["T_Deadlift"]
    assert ids(await search(viewer, category="PLYOMETRICS", equipment=["OTHER"])) == ["T_Box_Jump"]
    squats = await search(viewer, pattern="SQUAT", exclude=["spinal_compression_heavy"])
    assert ids(squats) == ["T_Air_Squat"]
    [node] = [edge["node"] for edge in squats["edges"] if edge["node"]["exerciseId"] == "T_Air_Squat"]
    assert (node["level"], node["equipment"], node["primaryMuscles"], node["patterns"]) == (
        "BEGINNER",
        ["BODY_ONLY"],
        ["QUADRICEPS"],
        ["SQUAT"],
    )
    assert node["contraindications"] == ["deep_knee_flexion_loaded"]


async def test_pages_follow_their_cursors(library_api: LibraryApi) -> None:
    viewer = library_api.viewer
    seen: list[str] = []
    after = None
    pages = 0
    while True:
        page = await search(viewer, first=3, after=after)
        assert page["totalCount"] == len(CATALOGUE) + len(TEST_LIBRARY)
        assert page["pageInfo"]["hasPreviousPage"] is (after is not None)
        seen += ids(page)
        pages += 1
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
        assert after == page["edges"][-1]["cursor"]
    assert pages == math.ceil((len(CATALOGUE) + len(TEST_LIBRARY)) / 3)
    assert sorted(seen) == sorted(exercise.exercise_id for exercise in CATALOGUE)
    assert RETIRED.exercise_id not in seen


async def test_bad_arguments_are_clear_errors_with_stable_codes(library_api: LibraryApi) -> None:
    viewer = library_api.viewer
    unknown = await errors(viewer, SEARCH, {"exclude": ["jumping", "bad_knees", "zzz"]})
    assert unknown[0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert unknown[0]["extensions"]["field"] == "excludeContraindications"
    assert unknown[0]["extensions"]["unknown"] == ["bad_knees", "zzz"]
    for first in (0, 101):
        too_many = await errors(viewer, SEARCH, {"first": first})
        assert (too_many[0]["extensions"]["code"], too_many[0]["extensions"]["field"]) == (
            "BAD_USER_INPUT",
            "first",
        )
    cursor = await errors(viewer, SEARCH, {"after": "bm90LWEtY3Vyc29y"})
    assert cursor[0]["extensions"]["code"] == "BAD_USER_INPUT"
    too_long = await errors(viewer, SEARCH, {"search": "squat " * 40})
    assert (too_long[0]["extensions"]["code"], too_long[0]["extensions"]["field"]) == (
        "BAD_USER_INPUT",
        "search",
    )
    enum = await errors(viewer, SEARCH, {"level": "GODLIKE"})
    assert enum[0]["extensions"]["code"] == "BAD_USER_INPUT"  # a bad variable


EXERCISE = "query($id: ID!) { exercise(id: $id) { id exerciseId name retired version } }"
NODE = "query($id: ID!) { node(id: $id) { id ... on LibraryExercise { exerciseId name retired } } }"


async def test_an_exercise_is_read_by_its_id_or_as_a_node_retired_or_not(library_api: LibraryApi) -> None:
    viewer = library_api.viewer
    bench = (await viewer.data(EXERCISE, {"id": library_id("T_Bench_Press")}))["exercise"]
    assert bench == {
        "id": library_id("T_Bench_Press"),
        "exerciseId": "T_Bench_Press",
        "name": "Bench Press",
        "retired": False,
        "version": 1,
    }
    retired = (await viewer.data(NODE, {"id": library_id(RETIRED.exercise_id)}))["node"]
    assert (retired["exerciseId"], retired["retired"]) == (RETIRED.exercise_id, True)

    missing = await errors(viewer, EXERCISE, {"id": library_id("No_Such_Exercise")})
    assert missing[0]["extensions"]["code"] == "NOT_FOUND"
    missing_node = await errors(viewer, NODE, {"id": library_id("No_Such_Exercise")})
    assert missing_node[0]["extensions"]["code"] == "NOT_FOUND"
    not_an_exercise = await errors(viewer, EXERCISE, {"id": "V29ya291dFBsYW46eA"})  # WorkoutPlan:x
    assert not_an_exercise[0]["extensions"]["code"] == "BAD_USER_INPUT"


async def test_the_library_needs_a_signed_in_viewer(library_api: LibraryApi) -> None:
    http = library_api.api.http
    for query, variables in ((SEARCH, {}), (EXERCISE, {"id": library_id("T_Bench_Press")})):
        body = await execute(http, query, variables)
        assert body["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"
    available = await execute(http, "{ exercises(availableTo: true) { totalCount } }")
    assert available["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"


def library_statements(statements: list[str]) -> list[str]:
    return [statement for statement in statements if "library.exercises" in statement]


async def test_a_repeated_search_comes_from_the_cache_until_the_library_changes(
    library_api: LibraryApi,
) -> None:
    api, token = library_api.api, library_api.viewer.access_token
    query = '{ exercises(search: "seated row", first: 5) { edges { node { exerciseId name } } } }'
    first, first_statements = await api.run(token, query)
    again, again_statements = await api.run(token, query)
    assert first == again
    assert len(library_statements(first_statements)) == 1
    assert library_statements(again_statements) == []

    await library_api.library.revise("T_Cable_Row", ExerciseChanges(name="Seated Cable Row (neutral grip)"))

    async def revised() -> bool:
        data, _ = await api.run(token, query)
        return bool(data["exercises"]["edges"][0]["node"]["name"] == "Seated Cable Row (neutral grip)")

    assert await eventually(revised, attempts=400)
    cached, statements = await api.run(token, query)
    assert cached["exercises"]["edges"][0]["node"]["name"] == "Seated Cable Row (neutral grip)"
    assert library_statements(statements) == []


async def as_an_app(library_api: LibraryApi, token: str, query: str) -> tuple[dict[str, Any], list[str]]:
    """A request as an app sends it (no Cache-Control: the result caches are consulted); its data and
    the statements it sent PostgreSQL."""
    api = library_api.api
    request_id = f"library-{uuid.uuid4().hex}"
    headers = {"authorization": f"Bearer {token}", "x-request-id": request_id}
    response = await api.http.post("/graphql", json={"query": query}, headers=headers)
    body = response.json()
    assert "errors" not in body, body
    api.log.rows_by_request.pop(request_id, None)
    return body["data"], api.log.by_request.pop(request_id)


async def test_a_library_result_is_shared_by_viewers_until_the_library_changes(
    library_api: LibraryApi,
) -> None:
    query = '{ exercises(search: "lying hamstring", first: 3) { totalCount edges { node { name level } } } }'
    first = await register(library_api.api.http, "First")
    second = await register(library_api.api.http, "Second")
    answer, _ = await as_an_app(library_api, first.access_token, query)
    assert answer["exercises"]["edges"][0]["node"] == {"name": "Lying Hamstring Stretch", "level": "BEGINNER"}
    shared, statements = await as_an_app(library_api, second.access_token, query)
    assert shared == answer
    assert [statement for statement in statements if "library" in statement] == []  # not executed

    await library_api.library.revise("T_Hamstring_Stretch", ExerciseChanges(level=Level.INTERMEDIATE))

    async def revised() -> bool:
        data, _ = await as_an_app(library_api, second.access_token, query)
        return bool(data["exercises"]["edges"][0]["node"]["level"] == "INTERMEDIATE")

    assert await eventually(revised, attempts=400)
    again, _ = await as_an_app(library_api, first.access_token, query)
    assert again["exercises"]["edges"][0]["node"]["level"] == "INTERMEDIATE"
