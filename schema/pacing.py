"""Paced execution: one operation's work is cut into slices, one per turn of the event loop, so that a
costly operation (however far under the cost limit) cannot hold the loop, and every request waiting on
it, for the whole of its run.

graphql-core completes the items of a list one after another without yielding: a page of plans with all
their exercises is tens of milliseconds of Python in one go. Once an operation has run a slice
(`FITCOACH_EXECUTION_SLICE_MS`) since its last turn, the remaining items of each list it completes are
deferred: each waits for a turn of its own, in order, one per iteration of the event loop, and the
operation's slice starts again when the item resumes. Other requests run in between.

Only items whose selection loads nothing are deferred. A field with an async resolver (a plan's
`versions` or `owner`) issues a dataloader load, and the loads of one iteration go out in one batched
statement: spread over several turns, they would go out in several.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Iterable, Iterator
from time import perf_counter
from typing import Any

from graphql.execution.collect_fields import FieldDetailsList
from graphql.language import FieldNode, FragmentSpreadNode, InlineFragmentNode, SelectionSetNode
from graphql.pyutils import Path
from graphql.type import (
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLResolveInfo,
    get_named_type,
    is_abstract_type,
    is_object_type,
)
from strawberry.schema.schema import StrawberryGraphQLCoreExecutionContext
from strawberry.types.field import StrawberryField

STRAWBERRY_FIELD = "strawberry-definition"
"""Where Strawberry keeps its field on a graphql-core one (`GraphQLCoreConverter.DEFINITION_BACKREF`)."""


def paced_execution(slice_seconds: float) -> type[StrawberryGraphQLCoreExecutionContext]:
    """The execution context class of a schema whose operations run in slices of `slice_seconds`."""

    class PacedExecution(StrawberryGraphQLCoreExecutionContext):
        def __init__(self, *args: Any, **kwargs: Any) -> None:
            super().__init__(*args, **kwargs)
            self.pace = Turns(slice_seconds)
            self.loads: dict[tuple[str, int], bool] = {}

        def complete_iterable_value(
            self,
            item_type: GraphQLOutputType,
            field_details_list: FieldDetailsList,
            info: GraphQLResolveInfo[Any],
            path: Path,
            items: Iterable[Any],
            position_context: Any,
        ) -> Any:
            named = get_named_type(item_type)
            if (is_object_type(named) or is_abstract_type(named)) and not self._loads(
                named, field_details_list
            ):
                items = self.pace.paced(items, self.is_awaitable)
            return super().complete_iterable_value(
                item_type, field_details_list, info, path, items, position_context
            )

        def _loads(self, named: Any, field_details_list: FieldDetailsList) -> bool:
            key = (named.name, id(field_details_list[0].node))
            if key not in self.loads:
                selections = [details.node.selection_set for details in field_details_list]
                self.loads[key] = any(self._selection_loads(named, s) for s in selections)
            return self.loads[key]

        def _selection_loads(self, on: Any, selection_set: SelectionSetNode | None) -> bool:
            for selection in selection_set.selections if selection_set else ():
                if isinstance(selection, FieldNode):
                    if self._field_loads(on, selection):
                        return True
                    continue
                if isinstance(selection, InlineFragmentNode):
                    condition, nested = selection.type_condition, selection.selection_set
                else:
                    assert isinstance(selection, FragmentSpreadNode)
                    fragment = self.fragment_definitions[selection.name.value]
                    condition, nested = fragment.type_condition, fragment.selection_set
                if self._selection_loads(
                    self.schema.get_type(condition.name.value) if condition else on, nested
                ):
                    return True
            return False

        def _field_loads(self, on: Any, node: FieldNode) -> bool:
            # Abstract types: any of their object types may be the one; `__typename` and introspection
            # load nothing.
            candidates = self.schema.get_possible_types(on) if is_abstract_type(on) else [on]
            for object_type in candidates:
                assert isinstance(object_type, GraphQLObjectType)
                field = object_type.fields.get(node.name.value)
                if field is None:
                    continue
                strawberry_field = field.extensions.get(STRAWBERRY_FIELD)
                if isinstance(strawberry_field, StrawberryField) and strawberry_field.is_async:
                    return True
                named = get_named_type(field.type)
                if (is_object_type(named) or is_abstract_type(named)) and self._selection_loads(
                    named, node.selection_set
                ):
                    return True
            return False

    return PacedExecution


class Turns:
    """One operation's turns on the event loop. Once a slice is used up, the rest of a list waits in line
    as one group; at its turn, its items run until the slice is used up again, and the ones left wait
    for the next turn together: a turn per slice of work, not per item."""

    def __init__(self, slice_seconds: float) -> None:
        self.slice_seconds = slice_seconds
        self.slice_started = perf_counter()
        self.waiting: deque[_Group] = deque()
        self.current: _Group | None = None

    def over(self) -> bool:
        return perf_counter() - self.slice_started > self.slice_seconds

    def paced(self, items: Iterable[Any], is_awaitable: Any) -> Iterator[Any]:
        group: _Group | None = None
        for item in items:
            if group is None and (is_awaitable(item) or not self.over()):
                yield item
                continue
            group = group or self._queue()
            yield item if is_awaitable(item) else self._later(group, item)

    def _queue(self) -> _Group:
        group = _Group(asyncio.get_running_loop().create_future())
        self.waiting.append(group)
        if len(self.waiting) == 1:
            asyncio.get_running_loop().call_soon(self._next_turn)
        return group

    async def _later(self, group: _Group, item: Any) -> Any:
        while True:
            await group.turn
            if self.current is not group:  # the first of its group to run: a new slice begins
                self.current = group
                self.slice_started = perf_counter()
                return item
            if not self.over():
                return item
            group.rest = group.rest or self._queue()
            group = group.rest

    def _next_turn(self) -> None:
        """Wakes the first group in line; the next is woken one iteration later, after this one ran."""
        while self.waiting:
            group = self.waiting.popleft()
            if not group.turn.done():  # a cancelled operation leaves its turns behind
                group.turn.set_result(None)
                break
        if self.waiting:
            asyncio.get_running_loop().call_soon(self._next_turn)


class _Group:
    """Items waiting for the same turn."""

    __slots__ = ("rest", "turn")

    def __init__(self, turn: asyncio.Future[None]) -> None:
        self.turn = turn
        self.rest: _Group | None = None
        """Where the items left over when this group's slice ran out wait next."""
