"""Which GraphQL requests may be answered from `ResponseCache`, and the lookup around execution.

Only a signed-in regular user's query operation whose root fields all read their own data through the
read models (`workoutPlans`, `workoutPlan`, `node`) is cached, per user; admins, mutations, `me` (read
from the event stream, so always fresh), anything with errors and anything that read the exercise
library (`Context.read_library`: a plan's `libraryExercise`, a library `node`) are not; the library's
own searches are cached shared, by `LibraryReads`, and a per-viewer `availableTo` answer never here.
`Cache-Control: no-cache` skips the lookup (the fresh result is still kept), `no-store` skips the cache
altogether. The access token and session are checked on every request, hit or not.
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

from graphql.error import GraphQLSyntaxError
from graphql.language import FieldNode, OperationDefinitionNode, OperationType, parse
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult

from application.response_cache import ResponseCache, result_key
from schema.context import Context

CACHEABLE_ROOT_FIELDS = frozenset({"workoutPlans", "workoutPlan", "node", "__typename"})
MAX_CACHEABLE_QUERY_LENGTH = 20_000


@functools.lru_cache(maxsize=512)
def _reads_only_own_plans(query: str, operation_name: str | None) -> bool:
    try:
        document = parse(query, no_location=True, max_tokens=5_000)
    except GraphQLSyntaxError:
        return False
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [o for o in operations if operation_name is None or (o.name and o.name.value == operation_name)]
    if len(chosen) != 1 or chosen[0].operation is not OperationType.QUERY:
        return False
    selections = chosen[0].selection_set.selections
    return all(isinstance(s, FieldNode) and s.name.value in CACHEABLE_ROOT_FIELDS for s in selections)


async def with_cached_reads(
    responses: ResponseCache,
    context: Context,
    data: GraphQLRequestData | list[GraphQLRequestData],
    no_cache: bool,
    execute: Callable[[], Awaitable[Any]],
) -> Any:
    viewer = context.viewer
    if (
        viewer is None
        or viewer.is_admin
        or not isinstance(data, GraphQLRequestData)
        or data.protocol != "http"
        or not isinstance(data.query, str)
        or len(data.query) > MAX_CACHEABLE_QUERY_LENGTH
        or not _reads_only_own_plans(data.query, data.operation_name)
    ):
        return await execute()
    key = result_key(data.query, data.variables, data.operation_name)
    if not no_cache:
        hit = await responses.get(viewer.user_id, key)
        if hit is not None:
            return ExecutionResult(data=hit, errors=None)
    read_position = responses.read_position()
    result = await execute()
    if (
        isinstance(result, ExecutionResult)
        and not result.errors
        and isinstance(result.data, dict)
        and not context.read_library
    ):
        await responses.put(viewer.user_id, key, result.data, read_position)
    return result
