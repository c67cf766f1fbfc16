"""The cost of a GraphQL operation, computed from the document before anything runs, and the limit on it.

The cost model is an upper bound on the number of values the response can hold:
- Every field costs 1, `__typename` included.
- A list multiplies: a field returning a list of objects costs 1 + bound x (the cost of its selection),
  and a list of scalars costs its bound.
- The bounds (`LIST_BOUNDS`): a connection's `edges` hold at most `first` items (20 when `first` is
  absent, never more than the page cap of 100, `MAX_PAGE_SIZE`); a plan or a plan version at most 20
  exercises (`MAX_EXERCISES`); an exercise at most 10 alternatives; a user's goals, injuries and
  equipment at most 20 items each; a payload at most 5 `userErrors`.
- Arguments are read as execution reads them: variables (`first: $n`) and their defaults included.
- Fragments, named and inline, cost what they select. On an interface or a union, the fragments for
  each type all count, though only one applies at run time; `@skip` and `@include` are not evaluated.
- Introspection (`__schema`, `__type`) is counted exactly: the schema is fixed, so the introspection
  resolvers run on it, each value of their answer costing 1, until the count passes the limit.

For example, `{ workoutPlans(first: 10) { edges { node { name exercises { name } } } } }` costs
1 + 1 + 10 x (1 + 1 + (1 + 20 x 1)) = 232.

`QueryCostLimit` runs right after validation, over HTTP and WebSocket alike: an operation costing more
than `FITCOACH_MAX_QUERY_COST` is refused with `QUERY_TOO_COSTLY`, its `cost` and the `limit`.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from graphql.error import GraphQLError
from graphql.execution.values import VariableValues, get_argument_values, get_variable_values
from graphql.language import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    SelectionSetNode,
)
from graphql.type import (
    GraphQLList,
    GraphQLObjectType,
    GraphQLSchema,
    TypeMetaFieldDef,
    get_named_type,
    get_nullable_type,
    is_leaf_type,
)
from graphql.utilities import get_operation_ast
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

from application.plan_reads import MAX_PAGE_SIZE
from domain.coaching.validation import MAX_SUGGESTIONS, MAX_TRIGGERS
from domain.library import validation as library
from domain.library.contraindications import Contraindication
from domain.library.values import Equipment, MovementPattern, Muscle
from domain.plans.diff import EXERCISE_FIELDS, PLAN_FIELDS
from domain.plans.validation import MAX_ALTERNATIVES, MAX_EXERCISES
from domain.users.validation import MAX_LIST_ITEMS
from schema.audit import verify as audit
from schema.audit.diff import MAX_AUTHORS
from schema.errors import ApiError
from schema.pages import DEFAULT_PAGE_SIZE

PAGE = -1
"""The bound of a connection's `edges`: the `first` argument of the field that returned the connection."""
MAX_USER_ERRORS = 5
"""A payload reports one user error today; the bound leaves room for a few."""
LIST_BOUNDS: Mapping[str, int] = {
    "WorkoutPlanConnection.edges": PAGE,
    "PlanVersionConnection.edges": PAGE,
    "CoachingSessionConnection.edges": PAGE,
    "CoachMessageConnection.edges": PAGE,
    "CoachMessage.suggestions": MAX_SUGGESTIONS,
    "CoachMessage.safety": MAX_TRIGGERS,
    "CoachSuggestion.order": MAX_EXERCISES,
    "WorkoutPlan.exercises": MAX_EXERCISES,
    "PlanVersion.exercises": MAX_EXERCISES,
    "Exercise.alternatives": MAX_ALTERNATIVES,
    "User.goals": MAX_LIST_ITEMS,
    "User.injuries": MAX_LIST_ITEMS,
    "User.availableEquipment": MAX_LIST_ITEMS,
    "LibraryExercise.aliases": library.MAX_ALIASES,
    # Distinct members of a closed vocabulary: no more than the vocabulary holds.
    "LibraryExercise.equipment": min(library.MAX_TAGS, len(Equipment)),
    "LibraryExercise.primaryMuscles": min(library.MAX_TAGS, len(Muscle)),
    "LibraryExercise.secondaryMuscles": min(library.MAX_TAGS, len(Muscle)),
    "LibraryExercise.patterns": min(library.MAX_TAGS, len(MovementPattern)),
    "LibraryExercise.contraindications": min(library.MAX_TAGS, len(Contraindication)),
    "LibraryExercise.cues": library.MAX_CUES,
    "LibraryExercise.variations": library.MAX_VARIATIONS,
    "*.userErrors": MAX_USER_ERRORS,
    "LibraryExerciseConnection.edges": PAGE,
    "LibraryRestrictions.excluded": len(Contraindication),
    "LibraryRestrictions.unrecognisedConditions": MAX_LIST_ITEMS,
    "LibraryRestrictions.unrecognisedEquipment": MAX_LIST_ITEMS,
    "AuditEventConnection.edges": PAGE,
    "PlanHistoryConnection.edges": PAGE,
    "PlanDiff.fields": len(PLAN_FIELDS),
    "PlanDiff.removed": MAX_EXERCISES,
    "PlanDiff.added": MAX_EXERCISES,
    "PlanDiff.changed": MAX_EXERCISES,
    "PlanDiff.reordered": MAX_EXERCISES,
    "PlanDiff.changedBy": MAX_AUTHORS,
    "ChangedExercise.fields": len(EXERCISE_FIELDS),
    "ProjectionVerification.tables": audit.MAX_TABLES,
    "ProjectionVerification.drifts": audit.MAX_DRIFTS_SHOWN,
    "VerifiedTable.keyColumns": audit.MAX_KEY_COLUMNS,
    "VerifiedTable.liveOnlyColumns": audit.MAX_TABLE_COLUMNS,
    "VerifiedTable.rebuiltOnlyColumns": audit.MAX_TABLE_COLUMNS,
    "RowDrift.key": audit.MAX_KEY_COLUMNS,
    "RowDrift.columns": audit.MAX_TABLE_COLUMNS,
}
"""Every list field of the schema (`Type.field`, or `*.field` for any type); a test checks that none is
missing. One that is falls back to `MAX_PAGE_SIZE`."""
PAGED_ARGUMENTS = ("first", "last")


class QueryTooCostly(ApiError):
    code = "QUERY_TOO_COSTLY"


@dataclass(frozen=True, slots=True)
class Cost:
    value: int
    exact: bool = True
    """False when introspection was counted only until it passed the limit: `value` is a lower bound."""


def list_bound(type_name: str, field_name: str, page: int | None) -> int:
    bound = LIST_BOUNDS.get(f"{type_name}.{field_name}", LIST_BOUNDS.get(f"*.{field_name}", MAX_PAGE_SIZE))
    if bound == PAGE:
        return DEFAULT_PAGE_SIZE if page is None else page
    return bound


def page_bound(arguments: dict[str, Any]) -> int:
    """Items a connection may return for its arguments: what the resolver will allow, at most."""
    sizes = [arguments.get(name) for name in PAGED_ARGUMENTS]
    given = [size for size in sizes if isinstance(size, int) and not isinstance(size, bool)]
    if not given:
        return DEFAULT_PAGE_SIZE
    return max(0, min(max(given), MAX_PAGE_SIZE))


def operation_cost(
    schema: GraphQLSchema,
    document: DocumentNode,
    variables: dict[str, Any] | None,
    operation_name: str | None,
    limit: int,
) -> Cost | None:
    """The cost of the operation that would run, or None when it cannot run at all (no such operation,
    or variables that do not coerce: execution refuses those with an error of its own)."""
    operation = get_operation_ast(document, operation_name)
    if operation is None:
        return None
    values = get_variable_values(schema, operation.variable_definitions or (), variables or {})
    if isinstance(values, list):
        return None
    root = schema.get_root_type(operation.operation)
    if root is None:
        return None
    fragments = {d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)}
    walk = _Walk(schema, fragments, values, limit)
    try:
        total = walk.selection(operation.selection_set, root, None)
    except GraphQLError:  # an argument that does not coerce: execution refuses it with its own error
        return None
    return Cost(total, exact=not walk.introspection_cut)


@dataclass
class _Walk:
    schema: GraphQLSchema
    fragments: dict[str, FragmentDefinitionNode]
    variables: VariableValues
    limit: int
    introspection_cut: bool = False
    _fragment_costs: dict[tuple[str, int | None], int] = field(default_factory=dict)
    _introspected: int = 0

    def selection(self, selection_set: SelectionSetNode | None, parent: Any, page: int | None) -> int:
        if selection_set is None:
            return 0
        total = 0
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                total += self.field(selection, parent, page)
            elif isinstance(selection, InlineFragmentNode):
                condition = selection.type_condition
                on = self.schema.get_type(condition.name.value) if condition else parent
                total += self.selection(selection.selection_set, on, page)
            elif isinstance(selection, FragmentSpreadNode):
                total += self.fragment(selection.name.value, page)
        return total

    def fragment(self, name: str, page: int | None) -> int:
        # Memoized: fragments spreading others twice over would otherwise cost exponential time here.
        key = (name, page)
        if key not in self._fragment_costs:
            self._fragment_costs[key] = 0  # a cycle (refused by validation anyway) adds nothing
            definition = self.fragments[name]
            on = self.schema.get_type(definition.type_condition.name.value)
            self._fragment_costs[key] = self.selection(definition.selection_set, on, page)
        return self._fragment_costs[key]

    def field(self, node: FieldNode, parent: Any, page: int | None) -> int:
        name = node.name.value
        if name == "__typename":
            return 1
        if name in ("__schema", "__type"):
            return self.introspection(node)
        definition = parent.fields[name]
        child_page = None
        if any(argument in definition.args for argument in PAGED_ARGUMENTS):
            child_page = page_bound(get_argument_values(definition, node, self.variables))
        is_list = isinstance(get_nullable_type(definition.type), GraphQLList)
        bound = list_bound(parent.name, name, page) if is_list else 1
        named = get_named_type(definition.type)
        if is_leaf_type(named):
            return bound if is_list else 1
        return 1 + bound * self.selection(node.selection_set, named, child_page)

    def introspection(self, node: FieldNode) -> int:
        if node.name.value == "__schema":
            source: Any = self.schema
            introspection_type = self.schema.get_type("__Schema")
        else:
            name = get_argument_values(TypeMetaFieldDef, node, self.variables)["name"]
            source = self.schema.get_type(name)
            introspection_type = self.schema.get_type("__Type")
        if source is None:
            return 1
        assert isinstance(introspection_type, GraphQLObjectType)
        return 1 + self.introspected(node.selection_set, introspection_type, source)

    def introspected(self, selection_set: SelectionSetNode | None, on: GraphQLObjectType, source: Any) -> int:
        """The exact cost of a selection on a value of the schema, counted until it passes the limit."""
        total = 0
        info = SimpleNamespace(schema=self.schema)  # what the introspection resolvers read of `info`
        for node in self._fields(selection_set):
            if self._introspected > self.limit:
                self.introspection_cut = True
                break
            if node.name.value == "__typename":
                total += 1
                continue
            definition = on.fields[node.name.value]
            arguments = get_argument_values(definition, node, self.variables)
            value = definition.resolve(source, info, **arguments) if definition.resolve else None
            named = get_named_type(definition.type)
            is_list = isinstance(get_nullable_type(definition.type), GraphQLList)
            items = list(value) if is_list and value is not None else [value]
            if is_leaf_type(named):
                cost = max(1, len(items)) if is_list else 1
            elif value is None:
                cost = 1
            else:
                assert isinstance(named, GraphQLObjectType)  # every introspection type is one
                cost = 1 + sum(self.introspected(node.selection_set, named, item) for item in items)
            self._introspected += 1
            total += cost
        return total

    def _fields(self, selection_set: SelectionSetNode | None) -> Iterator[FieldNode]:
        """The fields of a selection on an introspection type, fragments flattened (every fragment a
        valid document spreads there is on that same object type)."""
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                yield selection
            elif isinstance(selection, InlineFragmentNode):
                yield from self._fields(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                yield from self._fields(self.fragments[selection.name.value].selection_set)


class QueryCostLimit(SchemaExtension):
    """Refuses, once the document is valid, an operation costing more than `limit` (see the module)."""

    def __init__(self, limit: int) -> None:
        self.limit = limit

    def on_validate(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if context.pre_execution_errors is None and document is not None:  # no `ValidationCache` before
            context.pre_execution_errors = validate_document(
                context.schema._schema, document, context.validation_rules
            )
        if context.pre_execution_errors == [] and document is not None:
            cost = operation_cost(
                context.schema._schema,
                document,
                context.variables,
                context.operation_name,
                self.limit,
            )
            if cost is not None and cost.value > self.limit:
                context.pre_execution_errors = [self.refusal(cost)]
        yield

    def refusal(self, cost: Cost) -> GraphQLError:
        amount = str(cost.value) if cost.exact else f"more than {self.limit}"
        message = (
            f"the operation costs {amount}, over the limit of {self.limit}:"
            " ask for fewer items (first) or fewer fields"
        )
        refused = QueryTooCostly(message, cost=cost.value, limit=self.limit)
        return GraphQLError(message, original_error=refused)
