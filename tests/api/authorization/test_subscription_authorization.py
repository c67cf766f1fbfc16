"""Who may subscribe to a plan, over a real socket: Ada and an admin get her plan pushed; Bob is
refused with NOT_FOUND, learns nothing of it, and his connection stays good for his own plan.
"""

from __future__ import annotations

import json

import pytest

# Fixtures: imported under their own names, so that pytest finds them in this module.
from tests.api.live_support import assert_no_internal_errors, codes
from tests.api.ws_client import graphql_ws

WATCH = "subscription($planId: ID!) { workoutPlanChanged(planId: $planId) { id version name } }"


@pytest.mark.parametrize("who", ["ada", "admin"])
async def test_given_adas_plan_when_she_or_an_admin_subscribes_then_they_get_the_plan(world, who):
    params = {"authorization": f"Bearer {world.session(who).access_token}"}
    async with graphql_ws(world.served.ws_url, params) as live:
        watching = await live.subscribe(WATCH, {"planId": world.plan_id})
        first = (await live.next_data(watching))["workoutPlanChanged"]
        assert first["id"] == world.plan_id


async def test_given_adas_plan_when_bob_subscribes_to_it_then_he_is_refused_with_not_found(world):
    async with graphql_ws(world.served.ws_url, {"authorization": f"Bearer {world.bob.access_token}"}) as live:
        watching = await live.subscribe(WATCH, {"planId": world.plan_id})
        refusal = await live.receive()
        assert_no_internal_errors(refusal)
        assert (refusal["id"], refusal["type"], refusal["payload"]["data"]) == (watching, "next", None)
        assert codes(refusal["payload"]) == ["NOT_FOUND"]
        assert "Ada" not in json.dumps(refusal)
        assert await live.receive() == {"id": watching, "type": "complete"}
        # The connection is still good for Bob's own plan.
        own = await live.subscribe(WATCH, {"planId": world.bob_plan_id})
        assert (await live.next_data(own))["workoutPlanChanged"]["id"] == world.bob_plan_id
