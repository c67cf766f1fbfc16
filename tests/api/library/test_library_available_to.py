"""`exercises(availableTo: true)`: the signed-in viewer's injuries become excluded tags and their
equipment the only equipment allowed (`domain.library.availability`); what their profile says that
was not understood is shown in `restrictions`; each viewer gets their own answer to the same request."""

from __future__ import annotations

from typing import Any

from tests.adapters.api_ports.redis_server import eventually
from tests.api.graphql_client import Session, register
from tests.api.library.conftest import LibraryApi, mine
from tests.projections.library.library_support import CATALOGUE

UPDATE_PROFILE = (
    "mutation($input: UpdateProfileInput!) { updateProfile(input: $input) { userErrors { code } } }"
)
AVAILABLE = """query($search: String, $exclude: [String!]) {
  exercises(availableTo: true, search: $search, excludeContraindications: $exclude, first: 50) {
    totalCount
    edges { node { exerciseId } }
    restrictions { excluded unrecognisedConditions unrecognisedEquipment }
  } }"""
KNEE = {"injuries": ["knee (meniscus surgery 6 weeks ago)"], "availableEquipment": ["dumbbells"]}
UNCLEAR = {"injuries": ["my wobbly thing"], "availableEquipment": ["a pogo stick", "kettlebell"]}


async def viewer_with(library_api: LibraryApi, name: str, profile: dict[str, list[str]] | None) -> Session:
    viewer = await register(library_api.api.http, name)
    if profile is not None:
        payload = (await viewer.data(UPDATE_PROFILE, {"input": profile}))["updateProfile"]
        assert payload["userErrors"] == []
    return viewer


async def available(viewer: Session, **variables: Any) -> dict[str, Any]:
    found: dict[str, Any] = (await viewer.data(AVAILABLE, variables))["exercises"]
    return found


def ids(connection: dict[str, Any]) -> list[str]:
    """This module's exercises in the answer (the shared test library's are there too), sorted."""
    return sorted(mine([edge["node"]["exerciseId"] for edge in connection["edges"]]))


async def settled(viewer: Session, expected: list[str]) -> dict[str, Any]:
    """The answer once the users projection shows the viewer's profile."""
    answer: dict[str, Any] = {}

    async def shows_profile() -> bool:
        nonlocal answer
        answer = await available(viewer)
        return ids(answer) == expected

    assert await eventually(shows_profile, attempts=400), answer
    return answer


async def test_the_viewers_injuries_and_equipment_narrow_the_search(library_api: LibraryApi) -> None:
    knee = await viewer_with(library_api, "Knee", KNEE)
    answer = await settled(knee, ["T_Hamstring_Stretch", "T_Incline_Dumbbell_Press", "T_Shoulder_Press"])
    restrictions = answer["restrictions"]
    assert {"deep_knee_flexion_loaded", "jumping", "pivoting"} <= set(restrictions["excluded"])
    assert (restrictions["unrecognisedConditions"], restrictions["unrecognisedEquipment"]) == ([], [])
    # With a text and an explicit exclusion on top.
    assert ids(await available(knee, search="press")) == ["T_Incline_Dumbbell_Press", "T_Shoulder_Press"]
    narrowed = await available(knee, exclude=["overhead_pressing"])
    assert ids(narrowed) == ["T_Hamstring_Stretch", "T_Incline_Dumbbell_Press"]


async def test_what_the_profile_says_that_is_not_understood_is_shown(library_api: LibraryApi) -> None:
    unclear = await viewer_with(library_api, "Unclear", UNCLEAR)
    answer = await settled(unclear, ["T_Air_Squat", "T_Hamstring_Stretch"])
    restrictions = answer["restrictions"]
    assert restrictions["unrecognisedConditions"] == ["my wobbly thing"]
    assert restrictions["unrecognisedEquipment"] == ["a pogo stick"]
    # An injury nothing recognises is never a silent pass: a cautious set of tags is left out for it.
    assert {"jumping", "maximal_effort"} <= set(restrictions["excluded"])


async def test_without_a_profile_nothing_is_left_out(library_api: LibraryApi) -> None:
    blank = await viewer_with(library_api, "Blank", None)
    answer = await available(blank)
    assert ids(answer) == sorted(exercise.exercise_id for exercise in CATALOGUE)
    assert answer["restrictions"] == {
        "excluded": [],
        "unrecognisedConditions": [],
        "unrecognisedEquipment": [],
    }


async def test_each_viewer_gets_their_own_answer_to_the_same_request(library_api: LibraryApi) -> None:
    knee = await viewer_with(library_api, "Knee2", KNEE)
    unclear = await viewer_with(library_api, "Unclear2", UNCLEAR)
    await settled(knee, ["T_Hamstring_Stretch", "T_Incline_Dumbbell_Press", "T_Shoulder_Press"])
    await settled(unclear, ["T_Air_Squat", "T_Hamstring_Stretch"])
    for _ in range(3):  # the same document and variables, as an app sends them, in turn
        assert ids(await available(knee)) == [
            "T_Hamstring_Stretch",
            "T_Incline_Dumbbell_Press",
            "T_Shoulder_Press",
        ]
        assert ids(await available(unclear)) == ["T_Air_Squat", "T_Hamstring_Stretch"]
        assert (await available(unclear))["restrictions"]["unrecognisedConditions"] == ["my wobbly thing"]
        assert (await available(knee))["restrictions"]["unrecognisedConditions"] == []


async def test_a_profile_change_shows_in_the_next_answer(library_api: LibraryApi) -> None:
    viewer = await viewer_with(library_api, "Healed", KNEE)
    await settled(viewer, ["T_Hamstring_Stretch", "T_Incline_Dumbbell_Press", "T_Shoulder_Press"])
    healed = {"injuries": [], "availableEquipment": ["dumbbells", "barbell"]}
    assert (await viewer.data(UPDATE_PROFILE, {"input": healed}))["updateProfile"]["userErrors"] == []
    barbell_and_dumbbells = [
        "T_Air_Squat", "T_Back_Squat", "T_Bench_Press", "T_Deadlift", "T_Hamstring_Stretch",
        "T_Incline_Dumbbell_Press", "T_Shoulder_Press",
    ]  # fmt: skip
    answer = await settled(viewer, barbell_and_dumbbells)
    assert answer["restrictions"]["excluded"] == []
