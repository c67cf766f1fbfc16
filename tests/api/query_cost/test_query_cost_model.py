"""The cost model of `schema.query_cost`, on the real schema: the arithmetic, variables and fragments,
introspection counted exactly, a bound for every list, and the default limit against real queries."""

from __future__ import annotations

from typing import Any

import pytest
from graphql.execution import execute_sync
from graphql.language import parse
from graphql.type import GraphQLInterfaceType, GraphQLList, GraphQLObjectType, get_nullable_type
from graphql.utilities import get_introspection_query

from fitcoach.settings import Settings
from fitcoach.wiring.web import schema_config
from schema.build import build_schema
from schema.query_cost import LIST_BOUNDS, PAGE, Cost, operation_cost
from tests.api.query_cost.test_query_cost import PAGE as PAGE_OF_PLANS
from tests.api.query_cost.test_query_cost_limit import ATTACK, ATTACK_COST

SCHEMA = build_schema(schema_config(Settings(introspection=True)))._schema
NO_LIMIT = 10**12


def cost(document: str, variables: dict[str, Any] | None = None, limit: int = NO_LIMIT) -> Cost | None:
    return operation_cost(SCHEMA, parse(document), variables, None, limit)


def value(document: str, variables: dict[str, Any] | None = None) -> int:
    found = cost(document, variables)
    assert found is not None
    assert found.exact
    return found.value


def test_each_field_costs_one_and_a_list_multiplies_by_its_bound():
    assert value("{ __typename }") == 1
    assert value("{ me { id email goals } }") == 1 + 2 + 20  # goals: at most 20
    # The module's example: workoutPlans, edges 1 + 10 x (node 1 + name 1 + exercises (1 + 20 x name)).
    example = "{ workoutPlans(first: 10) { edges { node { name exercises { name } } } } }"
    assert value(example) == 1 + 1 + 10 * (1 + 1 + (1 + 20 * 1)) == 232
    assert value("{ workoutPlans { edges { node { id } } } }") == 1 + 1 + 20 * 2  # first defaults to 20


def test_first_is_read_from_variables_and_their_defaults_and_capped_at_the_page_size():
    literal = "{ workoutPlans(first: %s) { edges { node { id } } } }"
    variable = "query($n: Int) { workoutPlans(first: $n) { edges { node { id } } } }"
    defaulted = "query($n: Int = 7) { workoutPlans(first: $n) { edges { node { id } } } }"
    assert value(variable, {"n": 7}) == value(defaulted) == value(literal % 7) == 2 + 7 * 2
    assert value(variable, {"n": None}) == value(variable) == value(literal % "null") == 2 + 20 * 2
    assert value(literal % 5000) == value(literal % 100) == 2 + 100 * 2  # the resolver refuses 5000 anyway
    assert cost(variable, {"n": "many"}) is None, "a variable that does not coerce: execution refuses it"


def test_fragments_named_and_inline_cost_what_they_select():
    written_out = "{ workoutPlans(first: 3) { edges { node { id versions(first: 4) { totalCount } } } } }"
    inline = (
        "{ workoutPlans(first: 3) { edges { node { ... on WorkoutPlan { id ... { versions(first: 4) {"
        " totalCount } } } } } } }"
    )
    named = (
        "query { ...Plans } fragment Plans on Query { workoutPlans(first: 3) { ...Edges } }"
        " fragment Edges on WorkoutPlanConnection { edges { node { ...Plan } } }"
        " fragment Plan on WorkoutPlan { id versions(first: 4) { totalCount } }"
    )
    assert value(written_out) == value(inline) == value(named) == 1 + 1 + 3 * (1 + 1 + 1 + 1)


def test_fragments_spread_twice_over_are_costed_without_expanding_them():
    """30 fragments, each spreading the next twice: 2^30 `__typename`s, priced from 30 walks."""
    fragments = " ".join(f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(30))
    assert value("{ ...F0 } " + fragments + " fragment F30 on Query { __typename }") == 2**30


def test_introspection_costs_exactly_the_values_of_its_answer():
    document = get_introspection_query(descriptions=True)
    answer = execute_sync(SCHEMA, parse(document))
    assert answer.errors is None

    def values(data: Any) -> int:
        """Each field 1 plus what it holds, a list of scalars 1 per item (an empty list: 1)."""
        if isinstance(data, dict):
            return sum(max(1, len(v)) if is_scalar_list(v) else 1 + values(v) for v in data.values())
        if isinstance(data, list):
            return sum(values(item) for item in data)
        return 0

    assert value(document) == values(answer.data)
    counted = cost(document, limit=1000)
    assert counted is not None
    assert (counted.exact, counted.value > 1000) == (False, True)


def is_scalar_list(data: Any) -> bool:
    return isinstance(data, list) and all(not isinstance(item, dict | list) for item in data)


def test_every_list_field_of_the_schema_has_a_bound():
    lists = {
        f"{type_.name}.{name}"
        for type_ in SCHEMA.type_map.values()
        if isinstance(type_, GraphQLObjectType | GraphQLInterfaceType) and not type_.name.startswith("__")
        for name, field in type_.fields.items()
        if isinstance(get_nullable_type(field.type), GraphQLList)
    }
    unbounded = {
        name for name in lists if name not in LIST_BOUNDS and f"*.{name.split('.')[1]}" not in LIST_BOUNDS
    }
    assert unbounded == set()
    paged = {name for name, bound in LIST_BOUNDS.items() if bound == PAGE}
    assert paged == {name for name in lists if name.endswith("Connection.edges")}


# A page of a chat in the shape issue 12 fixes for clients (the default page size), with what this API adds.
PAGE_OF_MESSAGES = """query($id: ID!) { coachingSession(id: $id) { messages { edges { cursor node {
  id role text status createdAt provider model confidence safety { category action message direction }
  suggestions {
    id kind status rationale exercise { id name primaryMuscles contraindications }
    sets reps weightKg restSeconds replaces order basedOnPlanVersion planVersion
  }
} } } } }"""


@pytest.mark.parametrize(
    ("document", "variables"),
    [
        (PAGE_OF_PLANS % 50, None),
        (PAGE_OF_PLANS % 100, None),
        (get_introspection_query(descriptions=True), None),
        (PAGE_OF_MESSAGES, {"id": "CoachingSession:x"}),
    ],
)
def test_the_default_limit_admits_clients_queries(document, variables):
    assert value(document, variables) <= Settings().max_query_cost


def test_the_default_limit_refuses_the_fan_out_of_the_finding():
    assert value(ATTACK) == ATTACK_COST > Settings().max_query_cost
