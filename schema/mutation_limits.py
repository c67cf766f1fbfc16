"""Per-user rate limits on mutations: a schema extension that charges a mutation document before it runs.

Every root mutation field the document would run costs one token (so `{ a: addExercise(...) b:
addExercise(...) }` costs two, and 15 aliased mutations cost 15), taken from a token bucket
(`FITCOACH_MUTATION_RATE_LIMIT_BURST` tokens, refilled at `FITCOACH_MUTATION_RATE_LIMIT_PER_MINUTE`) of the
signed-in user, or of the client IP when signed out. The charge is all or nothing and comes before any
field runs: a refused document changes nothing and answers with one error, `extensions.code`
RATE_LIMITED and `retryAfterSeconds` (when that many tokens will be there). A document with more mutation
fields than the burst could ever pay for is refused as BAD_USER_INPUT. Queries and subscriptions cost
nothing here (their cost is bounded by the document limits). The buckets are in Redis when configured,
else in process; a Redis outage fails open (`TokenBuckets`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping
from typing import Any

from graphql.error import GraphQLError
from graphql.execution import ExecutionResult
from graphql.language import (
    BooleanValueNode,
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationType,
    SelectionNode,
    SelectionSetNode,
    VariableNode,
)
from graphql.utilities import get_operation_ast, value_from_ast_untyped
from strawberry.extensions import SchemaExtension

from application.rate_limits import rate_limit_key
from schema.context import Context
from schema.errors import ApiError, BadUserInput, RateLimited


def mutation_cost(
    document: DocumentNode, operation_name: str | None, variables: Mapping[str, Any] | None
) -> int:
    """How many root mutation fields the operation runs: one per response key (alias, else name), through
    fragments, leaving out those that @skip/@include drop and `__typename`. 0 for a query."""
    operation = get_operation_ast(document, operation_name)
    if operation is None or operation.operation is not OperationType.MUTATION:
        return 0
    values: dict[str, Any] = {
        definition.variable.name.value: value_from_ast_untyped(definition.default_value)
        for definition in operation.variable_definitions or ()
        if definition.default_value is not None
    }
    values.update(variables or {})
    fragments = {
        definition.name.value: definition
        for definition in document.definitions
        if isinstance(definition, FragmentDefinitionNode)
    }
    keys: set[str] = set()
    _collect(operation.selection_set, fragments, values, keys, set())
    return len(keys)


def _collect(
    selection_set: SelectionSetNode,
    fragments: Mapping[str, FragmentDefinitionNode],
    variables: Mapping[str, Any],
    keys: set[str],
    visited: set[str],
) -> None:
    for selection in selection_set.selections:
        if not _included(selection, variables):
            continue
        if isinstance(selection, FieldNode):
            if not selection.name.value.startswith("__"):
                keys.add((selection.alias or selection.name).value)
        elif isinstance(selection, InlineFragmentNode):
            _collect(selection.selection_set, fragments, variables, keys, visited)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            if name not in visited and name in fragments:
                visited.add(name)
                _collect(fragments[name].selection_set, fragments, variables, keys, visited)


def _included(selection: SelectionNode, variables: Mapping[str, Any]) -> bool:
    """False only when @skip(if: true) or @include(if: false) surely drops it; unsure counts as run."""
    for directive in selection.directives or ():
        if directive.name.value not in ("skip", "include"):
            continue
        condition = next((a.value for a in directive.arguments or () if a.name.value == "if"), None)
        if isinstance(condition, BooleanValueNode):
            value: object = condition.value
        elif isinstance(condition, VariableNode):
            value = variables.get(condition.name.value)
        else:
            continue
        if value is (directive.name.value == "skip"):
            return False
    return True


class MutationRateLimit(SchemaExtension):
    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        context = execution.context
        if isinstance(context, Context) and execution.graphql_document is not None:
            refusal = await _charge(
                context,
                mutation_cost(execution.graphql_document, execution.operation_name, execution.variables),
            )
            if refusal is not None:
                # Set before execution: Strawberry then runs nothing and answers with this result.
                execution.result = ExecutionResult(
                    data=None, errors=[GraphQLError(str(refusal), original_error=refusal)]
                )
        yield


async def _charge(context: Context, cost: int) -> ApiError | None:
    if cost == 0:
        return None
    bucket = context.services.mutation_bucket
    if cost > bucket.capacity:
        return BadUserInput(
            f"this document has {cost} mutations; a request may hold at most {bucket.capacity}"
        )
    if context.viewer is not None:
        key = rate_limit_key("mutations-user", str(context.viewer.user_id))
    else:
        key = rate_limit_key("mutations-ip", context.client_ip)
    decision = await context.services.mutation_buckets.take(key, cost, bucket)
    if decision.allowed:
        return None
    return RateLimited(
        f"too many mutations: {cost} asked, {decision.remaining} left; try again later",
        retry_after_seconds=round(decision.retry_after_seconds, 3),
    )
