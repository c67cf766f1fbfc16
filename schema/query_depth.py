"""The depth limit: how many fields an operation nests in one another, introspection fields included.

`{ __typename }` is 1 deep and `{ workoutPlans { edges { node { name } } } }` 4; fragments add no level
of their own. Strawberry's `QueryDepthLimiter` skips every field whose name starts with `__`, so with
introspection on, `__schema { types { fields { type { ofType { ofType ... } } } } }` could nest without
limit; this rule counts those fields like any other. The standard introspection query (graphql-core's
`get_introspection_query`, as GraphiQL and schemathesis send it) is 15 deep.
"""

from __future__ import annotations

from typing import Any

from graphql.error import GraphQLError
from graphql.language import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
)
from graphql.validation import ValidationRule


def max_depth_rule(max_depth: int) -> type[ValidationRule]:
    """A validation rule refusing operations nested deeper than `max_depth` fields. Made once per schema:
    `ValidationCache` keys on the rule classes."""

    class MaxQueryDepth(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
            fragments = {
                d.name.value: d
                for d in self.context.document.definitions
                if isinstance(d, FragmentDefinitionNode)
            }
            depth = _Depth(fragments, cap=max_depth + 1).of(node.selection_set)
            if depth > max_depth:
                name = node.name.value if node.name else "anonymous"
                message = f"'{name}' nests fields more than the maximum operation depth of {max_depth}"
                self.report_error(GraphQLError(message, node))

    return MaxQueryDepth


class _Depth:
    """Depths are counted up to `cap` levels, no further: past it the answer is the same (too deep), and
    the walk stays as shallow as the limit however deeply the document nests."""

    def __init__(self, fragments: dict[str, FragmentDefinitionNode], cap: int) -> None:
        self.fragments = fragments
        self.cap = cap
        self.memo: dict[str, int] = {}
        """The depth of each fragment: the same wherever it is spread, so walked once."""

    def of(self, selection_set: SelectionSetNode | None, room: int | None = None) -> int:
        room = self.cap if room is None else room
        deepest = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                below = self.of(selection.selection_set, room - 1) if room > 0 else 0
                deepest = max(deepest, 1 + below)
            elif isinstance(selection, InlineFragmentNode):
                deepest = max(deepest, self.of(selection.selection_set, room))
            elif isinstance(selection, FragmentSpreadNode):
                deepest = max(deepest, self._fragment(selection.name.value))
        return deepest

    def _fragment(self, name: str) -> int:
        if name not in self.memo:
            self.memo[name] = 0  # a cycle (another rule refuses it) or a fragment being walked adds nothing
            definition = self.fragments.get(name)
            self.memo[name] = self.of(definition.selection_set) if definition else 0
        return self.memo[name]
