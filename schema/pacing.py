"""Paced execution: one operation's work is cut into slices, one per turn of the event loop, so that a
costly operation (however far under the cost limit) cannot hold the loop, and every request waiting on
it, for the whole of its run.

graphql-core completes the items of a list one after another without yielding: a page of plans with all
their exercises is tens of milliseconds of Python in one go. Once an operation has run a slice
(`FITCOACH_EXECUTION_SLICE_MS`) since its last turn:
- a list it is about to complete waits for a turn, whole;
- a list it is completing defers its remaining items, which wait in line as a group; at the group's
  turn they run until the slice is used up again, and the ones left wait for the next turn;
- a value awaited from a resolver (rows read and decoded, say) is completed at the next turn.
A turn is one iteration of the event loop: other requests run in between, and the operation's slice
starts again when it resumes.

Only lists whose items load nothing are paced. A field with an async resolver (a plan's `versions` or
`owner`) issues a dataloader load, and the loads of one iteration go out in one batched statement: spread
over several turns, they would go out in several. So a page of plans is completed in one stretch (its
plans' own fields), and their exercises and versions in slices.
"""

from __future__ import annotations

import asyncio
from collections import deque
from collections.abc import Awaitable, Generator, Iterable, Iterator
from time import perf_counter
from typing import Any, TypeVar

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

T = TypeVar("T")
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
                if self.pace.over():  # the whole list waits: one awaitable, not one per item
                    return self._complete_later(
                        item_type, field_details_list, info, path, items, position_context
                    )
                items = self.pace.paced(items, self.is_awaitable)
            return super().complete_iterable_value(
                item_type, field_details_list, info, path, items, position_context
            )

        async def _complete_later(
            self,
            item_type: GraphQLOutputType,
            field_details_list: FieldDetailsList,
            info: GraphQLResolveInfo[Any],
            path: Path,
            items: Iterable[Any],
            position_context: Any,
        ) -> Any:
            await self.pace.turn()
            paced = self.pace.paced(items, self.is_awaitable)
            completed = super().complete_iterable_value(
                item_type, field_details_list, info, path, paced, position_context
            )
            return await completed if self.is_awaitable(completed) else completed

        async def with_abort_signal(self, awaitable: Awaitable[T]) -> T:
            """Every awaited resolver value and list item passes here: after I/O, a value whose
            resolver used up the slice (decoding rows, say) is completed at the next turn."""
            value = await super().with_abort_signal(awaitable)
            if self.pace.over():
                await self.pace.turn()
            return value

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

    async def turn(self) -> None:
        """Waits in line (with the last group, if it has not run yet) and starts a slice."""
        group = self.waiting[-1] if self.waiting else self._queue()
        await self._wait(self._join(group), group, None)

    def _later(self, group: _Group, item: Any) -> _Later:
        # In line from now, not from when graphql-core gets round to awaiting the item.
        return _Later(self, self._join(group), group, item)

    def _queue(self) -> _Group:
        group = _Group()
        self.waiting.append(group)
        if len(self.waiting) == 1:
            asyncio.get_running_loop().call_soon(self._next_turn)
        return group

    @staticmethod
    def _join(group: _Group) -> asyncio.Future[None]:
        # A future of its own: a waiter cancelled (its operation failing) cancels no other.
        turn: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        group.members.append(turn)
        return turn

    async def _wait(self, turn: asyncio.Future[None], group: _Group, item: Any) -> Any:
        while True:
            await turn
            if self.current is not group:  # the first of its group to run: a new slice begins
                self.current = group
                self.slice_started = perf_counter()
                return item
            if not self.over():
                return item
            group.rest = group.rest or self._queue()
            group = group.rest
            turn = self._join(group)

    def _next_turn(self) -> None:
        """Wakes the first group in line; the next is woken one iteration later, after this one ran."""
        if self.waiting:
            for turn in self.waiting.popleft().members:
                if not turn.done():
                    turn.set_result(None)
        if self.waiting:
            asyncio.get_running_loop().call_soon(self._next_turn)


class _Later:
    """An item waiting for its turn: awaitable, and (unlike a coroutine) harmless if never awaited, as
    the rest of a list is when an error ends it early."""

    __slots__ = ("group", "item", "turn", "turns")

    def __init__(self, turns: Turns, turn: asyncio.Future[None], group: _Group, item: Any) -> None:
        self.turns, self.turn, self.group, self.item = turns, turn, group, item

    def __await__(self) -> Generator[Any, None, Any]:
        return self.turns._wait(self.turn, self.group, self.item).__await__()


class _Group:
    """Items waiting for the same turn."""

    __slots__ = ("members", "rest")

    def __init__(self) -> None:
        self.members: list[asyncio.Future[None]] = []
        self.rest: _Group | None = None
        """Where the items left over when this group's slice ran out wait next."""
