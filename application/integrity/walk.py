"""Checking one stream's chain, event by event (pure: the events are handed in).

`StreamWalk` is fed a stream's events in version order (or in log order, which is the same for a log
nobody touched) and keeps the first broken link:

- a version missing (`EVENT_DELETED`): the versions jump, or the stream does not start at 1;
- an event recorded before the one it follows (`REORDERED`), or one whose hash only verifies after
  another event of the stream (`REORDERED`, found by `finish` when the walk kept the stream's hashes);
- an event whose hash does not verify (`DATA_EDITED`: its data, metadata or hash were changed; with a
  rewritten hash the first bad link is the event after the edited one);
- an event without a hash after the chain started (`HASH_MISSING`);
- a seal not honoured: the stream ends before a sealed version (`TRUNCATED`), or the event there has
  another hash (`SEAL_MISMATCH`).

Events before the first chained one are counted as unchained: the log from before the chain existed.
"""

from __future__ import annotations

import enum
from collections.abc import Sequence
from dataclasses import dataclass

from application.eventstore import RecordedEvent
from application.integrity.chain import UnchainableEvent, link_hash
from application.integrity.seals import Seal


class Problem(enum.Enum):
    DATA_EDITED = "data edited"
    EVENT_DELETED = "event deleted"
    REORDERED = "reordered"
    HASH_MISSING = "hash missing after chain start"
    TRUNCATED = "truncated"
    SEAL_MISMATCH = "seal mismatch"


class Status(enum.Enum):
    OK = "ok"
    UNCHAINED = "unchained"
    """Intact, but some or all of its events are from before the chain."""
    BROKEN = "broken"


@dataclass(frozen=True, slots=True)
class Break:
    version: int
    """The first bad stream version."""
    position: int | None
    """The global position of the event at `version`; None when there is none (deleted, truncated)."""
    problem: Problem
    detail: str


@dataclass(frozen=True, slots=True)
class StreamReport:
    stream: str
    events: int
    version: int
    """The last version read (0 for a stream that is gone)."""
    unchained: int
    """Events before the chain's first link (from before the chain existed)."""
    chained_from: int | None
    """The version of the first chained event, None when none is."""
    sealed_version: int | None
    """The highest sealed version, None when the stream was never sealed."""
    first_break: Break | None

    @property
    def status(self) -> Status:
        if self.first_break is not None:
            return Status.BROKEN
        return Status.UNCHAINED if self.unchained else Status.OK


def event_link(previous_hash: str | None, event: RecordedEvent) -> str | None:
    """The chain hash `event` should carry after `previous_hash`; None when its data cannot be encoded."""
    try:
        return link_hash(previous_hash, event)
    except UnchainableEvent:
        return None


@dataclass(slots=True)
class _Mismatch:
    event: RecordedEvent
    previous_hash: str | None


class StreamWalk:
    """One stream's check. `keep_hashes` lets `finish` tell a moved event from an edited one, at the cost
    of the stream's hashes in memory; the log-wide pass leaves it off and re-walks broken streams with it."""

    __slots__ = (
        "_break",
        "_hashes",
        "_mismatch",
        "_seals",
        "chained_from",
        "events",
        "head_hash",
        "position",
        "stream",
        "unchained",
        "version",
    )

    def __init__(self, stream: str, seals: Sequence[Seal] = (), *, keep_hashes: bool = False) -> None:
        self.stream = stream
        self._seals = {seal.version: seal for seal in seals}
        self._hashes: dict[str, int] | None = {} if keep_hashes else None
        self.events = 0
        self.version = 0
        self.position = 0
        self.head_hash: str | None = None
        self.unchained = 0
        self.chained_from: int | None = None
        self._break: Break | None = None
        self._mismatch: _Mismatch | None = None

    @property
    def broken(self) -> bool:
        return self._break is not None

    def feed(self, event: RecordedEvent) -> None:
        self.events += 1
        chain_hash = event.metadata.chain_hash
        if self._hashes is not None and chain_hash is not None:
            self._hashes.setdefault(chain_hash, event.stream_version)
        if self._break is None:
            self._check(event, chain_hash)
        self.version = event.stream_version
        self.position = event.position
        self.head_hash = chain_hash

    def _check(self, event: RecordedEvent, chain_hash: str | None) -> None:
        version, expected = event.stream_version, self.version + 1
        if version > expected:
            missing = (
                f"version {expected}" if version == expected + 1 else f"versions {expected}-{version - 1}"
            )
            self._broke(expected, None, Problem.EVENT_DELETED, f"{missing} missing")
            return
        if version < expected:
            self._broke(version, event.position, Problem.REORDERED, f"recorded after version {self.version}")
            return
        if event.position <= self.position:
            self._broke(version, event.position, Problem.REORDERED, "recorded before the event it follows")
            return
        if chain_hash is None:
            if self.chained_from is not None:
                self._broke(version, event.position, Problem.HASH_MISSING, "no chain hash")
                return
            self.unchained += 1
        else:
            if self.chained_from is None:
                self.chained_from = version
            if event_link(self.head_hash, event) != chain_hash:
                self._mismatch = _Mismatch(event, self.head_hash)
                self._broke(
                    version, event.position, Problem.DATA_EDITED, "its data or metadata do not match its hash"
                )
                return
        seal = self._seals.get(version)
        if seal is not None and seal.chain_hash != chain_hash:
            self._broke(
                version,
                event.position,
                Problem.SEAL_MISMATCH,
                f"not the event sealed {_when(seal)}",
            )

    def _broke(self, version: int, position: int | None, problem: Problem, detail: str) -> None:
        self._break = Break(version, position, problem, detail)

    def finish(self) -> StreamReport:
        first_break = self._break
        if first_break is not None and self._mismatch is not None:
            first_break = self._moved(first_break, self._mismatch)
        if first_break is None:
            first_break = self._truncation()
        sealed = max(self._seals, default=None)
        return StreamReport(
            self.stream, self.events, self.version, self.unchained, self.chained_from, sealed, first_break
        )

    def _moved(self, found: Break, mismatch: _Mismatch) -> Break:
        """REORDERED if the event's hash verifies after another event of the stream (or at its start)."""
        if self._hashes is None:
            return found
        own = mismatch.event.metadata.chain_hash
        for candidate, version in [(None, 0), *self._hashes.items()]:
            if (
                candidate not in (mismatch.previous_hash, own)
                and event_link(candidate, mismatch.event) == own
            ):
                follows = "the stream's start" if candidate is None else f"the event now at version {version}"
                return Break(found.version, found.position, Problem.REORDERED, f"its hash follows {follows}")
        return found

    def _truncation(self) -> Break | None:
        beyond = [seal for seal in self._seals.values() if seal.version > self.version]
        if not beyond:
            return None
        seal = max(beyond, key=lambda seal: seal.version)
        return Break(
            self.version + 1,
            None,
            Problem.TRUNCATED,
            f"ends at version {self.version}, sealed at version {seal.version} {_when(seal)}",
        )


def _when(seal: Seal) -> str:
    return f"on {seal.sealed_at.isoformat(timespec='seconds')}"
