"""Which GraphQL requests may be answered from a cache of results, and the lookup around execution.

Only a signed-in user's query operation whose root fields all read through the read models is cached:
- plans and the user (`workoutPlans`, `workoutPlan`, `node`): per user (`ResponseCache`), for regular
  users only (admins see others' data). A result that read the exercise library (`Context.read_library`:
  a plan's `libraryExercise`, a library `node`) is not kept, as library changes do not reach that cache.
- the library alone (`exercises`, `exercise`) and nothing of the viewer: shared by every viewer, under
  the library's generation taken before execution (`LibraryReads.response`), so a library change moves
  every later request to new keys.
- the library with `availableTo` (it reads the viewer's profile): per user, its key suffixed with the
  library's generation. Profile changes invalidate the user's entry; library changes change the key. A
  per-viewer answer is never served to another viewer.
Mutations, `me` (read from the event stream, so always fresh) and anything with errors are not cached.
`Cache-Control: no-cache` skips the lookup (the fresh result is still kept), `no-store` skips the cache
altogether. The access token and session are checked on every request, hit or not.
"""

from __future__ import annotations

import enum
import functools
from collections.abc import Awaitable, Callable
from typing import Any

from graphql.error import GraphQLSyntaxError
from graphql.language import FieldNode, OperationDefinitionNode, OperationType, parse
from strawberry.http import GraphQLRequestData
from strawberry.types import ExecutionResult

from application.response_cache import ResponseCache, result_key
from schema.context import Context, Viewer

PLAN_ROOT_FIELDS = frozenset({"workoutPlans", "workoutPlan", "node", "__typename"})
LIBRARY_ROOT_FIELDS = frozenset({"exercises", "exercise", "__typename"})
VIEWER_ARGUMENTS = frozenset({"availableTo"})
"""Arguments that make a library answer depend on who asks."""
MAX_CACHEABLE_QUERY_LENGTH = 20_000


class Cacheable(enum.Enum):
    PER_USER = "per user"
    LIBRARY_SHARED = "library, shared"
    LIBRARY_PER_USER = "library, per user"


@functools.lru_cache(maxsize=512)
def cacheable(query: str, operation_name: str | None) -> Cacheable | None:
    try:
        document = parse(query, no_location=True, max_tokens=5_000)
    except GraphQLSyntaxError:
        return None
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    chosen = [o for o in operations if operation_name is None or (o.name and o.name.value == operation_name)]
    if len(chosen) != 1 or chosen[0].operation is not OperationType.QUERY:
        return None
    selections = chosen[0].selection_set.selections
    if not all(isinstance(s, FieldNode) for s in selections):
        return None
    fields = [s for s in selections if isinstance(s, FieldNode)]
    names = {field.name.value for field in fields}
    if names <= PLAN_ROOT_FIELDS:
        return Cacheable.PER_USER
    if names <= LIBRARY_ROOT_FIELDS:
        arguments = {argument.name.value for field in fields for argument in field.arguments or ()}
        return Cacheable.LIBRARY_PER_USER if arguments & VIEWER_ARGUMENTS else Cacheable.LIBRARY_SHARED
    return None


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
        or not isinstance(data, GraphQLRequestData)
        or data.protocol != "http"
        or not isinstance(data.query, str)
        or len(data.query) > MAX_CACHEABLE_QUERY_LENGTH
    ):
        return await execute()
    kind = cacheable(data.query, data.operation_name)
    if kind is None:
        return await execute()
    key = result_key(data.query, data.variables, data.operation_name)
    if kind is Cacheable.PER_USER:
        return await _per_user(responses, context, viewer, key, no_cache, execute, library=False)
    library = context.services.library_reads
    generation = await library.generation()
    if kind is Cacheable.LIBRARY_PER_USER:
        library_key = f"{key}:library-{generation}"
        return await _per_user(responses, context, viewer, library_key, no_cache, execute, library=True)
    if not no_cache:
        hit = await library.response(generation, key)
        if hit is not None:
            return ExecutionResult(data=hit, errors=None)
    result = await execute()
    if _succeeded(result):
        await library.keep_response(generation, key, result.data)
    return result


async def _per_user(
    responses: ResponseCache,
    context: Context,
    viewer: Viewer,
    key: str,
    no_cache: bool,
    execute: Callable[[], Awaitable[Any]],
    *,
    library: bool,
) -> Any:
    """`library`: the key carries the library's generation, so reading the library is expected."""
    if viewer.is_admin:
        return await execute()
    if not no_cache:
        hit = await responses.get(viewer.user_id, key)
        if hit is not None:
            return ExecutionResult(data=hit, errors=None)
    read_position = responses.read_position()
    result = await execute()
    if _succeeded(result) and (library or not context.read_library):
        await responses.put(viewer.user_id, key, result.data, read_position)
    return result


def _succeeded(result: Any) -> bool:
    return isinstance(result, ExecutionResult) and not result.errors and isinstance(result.data, dict)
