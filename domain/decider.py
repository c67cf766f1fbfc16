"""The shape of an event-sourced aggregate as the command path uses it: a `Decider` bundle.

Each aggregate defines its bundle beside its own code (`domain.plans.decider`, `domain.users.decider`);
the application's command handler runs any of them.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Generic, Protocol, TypeVar
from uuid import UUID


class Command(Protocol):
    @property
    def actor(self) -> str: ...


C = TypeVar("C", bound=Command)
S = TypeVar("S")
E = TypeVar("E")


class StateCodec(Protocol[S]):
    """An aggregate's pure snapshot codec (e.g. `domain.plans.snapshot`)."""

    @property
    def state_type(self) -> str: ...
    @property
    def schema_version(self) -> int: ...
    def encode(self, state: S) -> dict[str, Any]: ...
    def decode(self, schema_version: int, data: dict[str, Any]) -> S | None:
        """The state, or None for anything that is not exactly a snapshot this codec reads."""
        ...


@dataclass(frozen=True, slots=True)
class Decider(Generic[C, S, E]):
    decide: Callable[[C, S | None], list[E]]
    evolve: Callable[[S | None, E], S | None]
    stream_name: Callable[[C], str]
    encode: Callable[[E], tuple[str, int, dict[str, Any]]]
    decode: Callable[[str, int, Mapping[str, Any]], E]
    snapshot: StateCodec[S] | None = None
    """How to save the folded state in a snapshot; None: this aggregate always folds its whole stream."""
    data_subject: Callable[[S | None, E], UUID | None] | None = None
    """Whose personal data (`domain.privacy.PERSONAL_FIELDS`) an event holds, given the state it follows:
    the command path seals those fields with that person's key. None: the aggregate's events hold none."""
