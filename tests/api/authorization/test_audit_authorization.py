"""Who may read the audit trail, over a real socket: `streamEvents`, `planAt` and `planDiff` show Ada's plan
and account to an admin only; to Ada herself and to Bob they are FORBIDDEN (whether the stream exists or
not, so nothing can be probed), and UNAUTHENTICATED without a token. A plan's own `history` is in the
read matrix of `test_authorization`."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from domain.plans.streams import plan_stream
from tests.api.authorization.authorization_support import World
from tests.api.live_support import call, codes, raw_id, unauthenticated

STREAM_EVENTS = """query($stream: String!) {
  streamEvents(stream: $stream, first: 5) { totalCount edges { node { type userId data } } }
}"""
PLAN_AT = "query($id: ID!) { planAt(id: $id, version: 2) { id version exercises { exerciseId } } }"
PLAN_DIFF = """query($id: ID!) {
  planDiff(id: $id, fromVersion: 1, toVersion: 3) { added { exercise { exerciseId } } changedBy { userId } }
}"""
UNKNOWN_PLAN = "V29ya291dFBsYW46MDAwMDAwMDAtMDAwMC0wMDAwLTAwMDAtMDAwMDAwMDAwMDAw"


@dataclass(frozen=True)
class AuditRead:
    query: str
    variables: Callable[[World], dict[str, Any]]
    seen: Callable[[dict[str, Any], World], bool]


AUDIT_READS = {
    "streamEvents(plan)": AuditRead(
        STREAM_EVENTS,
        lambda w: {"stream": plan_stream(raw_id(w.plan_id))},
        lambda d, _: d["streamEvents"]["totalCount"] == 4,
    ),
    "streamEvents(user id)": AuditRead(
        STREAM_EVENTS,
        lambda w: {"stream": str(raw_id(w.ada.user_id))},
        lambda d, _: d["streamEvents"]["edges"][0]["node"]["type"] == "UserRegistered",
    ),
    "planAt": AuditRead(PLAN_AT, lambda w: {"id": w.plan_id}, lambda d, w: d["planAt"]["id"] == w.plan_id),
    "planDiff": AuditRead(
        PLAN_DIFF, lambda w: {"id": w.plan_id}, lambda d, _: len(d["planDiff"]["added"]) == 2
    ),
}
UNKNOWN_TARGETS = {
    "streamEvents(plan)": {"stream": "workout-00000000-0000-0000-0000-000000000000"},
    "streamEvents(user id)": {"stream": "00000000-0000-0000-0000-000000000000"},
    "planAt": {"id": UNKNOWN_PLAN},
    "planDiff": {"id": UNKNOWN_PLAN},
}


@pytest.mark.parametrize("entry", AUDIT_READS)
async def test_given_an_admin_when_they_read_the_audit_trail_then_they_see_it(world, entry):
    read = AUDIT_READS[entry]
    body = await call(world.admin.client, read.query, read.variables(world), token=world.admin.access_token)
    assert codes(body) == []
    assert read.seen(body["data"], world)


@pytest.mark.parametrize("target", ["existing", "unknown"])
@pytest.mark.parametrize("who", ["ada", "bob"])
@pytest.mark.parametrize("entry", AUDIT_READS)
async def test_given_a_user_who_is_no_admin_when_they_read_the_audit_trail_then_it_is_forbidden(
    world, entry, who, target
):
    read = AUDIT_READS[entry]
    variables = read.variables(world) if target == "existing" else UNKNOWN_TARGETS[entry]
    session = world.session(who)
    body = await call(session.client, read.query, variables, token=session.access_token)
    assert codes(body) == ["FORBIDDEN"]
    assert body["data"] is None or not any(body["data"].values())
    assert "Ada" not in json.dumps(body)
    assert str(raw_id(world.ada.user_id)) not in json.dumps(body)


@pytest.mark.parametrize("entry", AUDIT_READS)
async def test_given_no_token_when_the_audit_trail_is_read_then_it_is_unauthenticated(world, entry):
    read = AUDIT_READS[entry]
    await unauthenticated(world.ada.client, read.query, read.variables(world))
