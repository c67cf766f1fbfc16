"""Seals: a stream's head (version and chain hash) written down at a time, so that losing the stream's
last events, which leaves a chain that still verifies, is found (`application.integrity.audit`).

`fitcoach audit seal` records the head of every stream. Seals are evidence: one is never replaced, so a
later seal of the same version with another hash is ignored and the first one keeps testifying.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from application.eventstore import EventStore
from application.integrity.log_pages import PAGE_SIZE, Progress, log_pages


@dataclass(frozen=True, slots=True)
class Seal:
    stream: str
    version: int
    chain_hash: str | None
    """The chain hash of the event at `version`; None when that event is from before the chain."""
    sealed_at: datetime


class SealsUnavailable(Exception):
    code = "UNAVAILABLE"


class Seals(Protocol):
    async def add(self, seals: Sequence[Seal]) -> int:
        """Keep each seal unless its stream already has one at that version; returns how many were new."""
        ...

    async def of_stream(self, stream: str) -> list[Seal]:
        """The stream's seals, oldest version first."""
        ...

    async def all(self) -> dict[str, list[Seal]]:
        """Every stream's seals, oldest version first."""
        ...

    async def close(self) -> None: ...


@dataclass(frozen=True, slots=True)
class SealReport:
    streams: int
    """The streams whose heads were read."""
    added: int
    """Of those, the heads not sealed before."""
    sealed_at: datetime


async def seal_heads(
    store: EventStore,
    seals: Seals,
    sealed_at: datetime,
    *,
    page_size: int = PAGE_SIZE,
    progress: Progress | None = None,
) -> SealReport:
    """Seal the head of every stream in the log as of now (appends racing with it are sealed next time)."""
    heads: dict[str, tuple[int, str | None]] = {}
    async for page in log_pages(store, page_size=page_size, progress=progress):
        for event in page:
            head = heads.get(event.stream)
            if head is None or head[0] < event.stream_version:
                heads[event.stream] = (event.stream_version, event.metadata.chain_hash)
    added = await seals.add(
        [Seal(stream, version, chain_hash, sealed_at) for stream, (version, chain_hash) in heads.items()]
    )
    return SealReport(len(heads), added, sealed_at)
