"""Appending an export file's events to an event store (`LogImport`), idempotently.

The lines are appended in file order, so the target's log keeps the source's order. Consecutive lines of
one stream (a command's events are adjacent in an export) go in one append, at the exact version the
target's stream is at, with their own ids, types, versions, data, metadata and recorded times; appends
are queued and sent a few hundred events at a time (`AppendQueue`, `EventStore.append_many`). Per stream,
the target's version decides: lines at or below it must hold the events already there (same id, type,
schema version, data and metadata): they count as already present, so a second run appends nothing and
an interrupted one resumes; a line past it appends; a line that would leave a gap, or that differs from
the event the target holds at its version, stops the import with the line's number (`ImportConflict`).
Every append is atomic and the queue is written in order, so a stopped import leaves a prefix of the
file written, nothing half-written.

Memory holds the queued events (up to the batch size), the target's events read ahead for comparison
(`StoredEvents`, up to its capacity) and, per stream seen, its name and version.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from application.eventstore import EventStore, RecordedEvent
from application.replay.append_queue import AppendQueue
from application.replay.line_format import ImportConflict, LoggedEvent, decode_line
from application.replay.stored_events import StoredEvents

DEFAULT_BATCH_SIZE = 500

Progress = Callable[[int, int], None]
"""Called after each run of one stream's lines with (lines done, lines in the file)."""


@dataclass(frozen=True, slots=True)
class ImportReport:
    lines: int
    appended: int
    already_present: int
    streams: int

    def to_json(self) -> dict[str, int]:
        return {
            "lines": self.lines,
            "appended": self.appended,
            "already_present": self.already_present,
            "streams": self.streams,
        }


def count_lines(lines: Iterable[bytes | str]) -> int:
    """Read every line as the import will; raises MalformedLine for the first bad one, else the count.
    Run it first, and a file with a bad line is refused before anything is appended."""
    count = 0
    for count, raw in enumerate(lines, start=1):
        decode_line(raw, count)
    return count


class LogImport:
    def __init__(self, store: EventStore, *, batch_size: int = DEFAULT_BATCH_SIZE) -> None:
        if batch_size < 1:
            raise ValueError("batch_size must be 1 or more")
        self._store = store
        self._batch_size = batch_size
        self._versions: dict[str, int] = {}
        """Per stream seen, its version in the target once the queued appends are written."""
        self._queue = AppendQueue(store, limit=batch_size)
        self._stored = StoredEvents(store)
        self._present = 0

    async def run(
        self, lines: Iterable[bytes | str], *, total: int = 0, progress: Progress | None = None
    ) -> ImportReport:
        """Raises MalformedLine, ImportConflict, or EventStoreUnavailable; what was appended before stays."""
        run: list[LoggedEvent] = []
        done = 0
        for done, raw in enumerate(lines, start=1):
            logged = decode_line(raw, done)
            if run and not self._continues(run, logged):
                await self._write(run)
                run = []
                if progress is not None:
                    progress(done - 1, total)
            run.append(logged)
        if run:
            await self._write(run)
        await self._queue.send()
        if progress is not None:
            progress(done, total)
        return ImportReport(done, self._queue.appended, self._present, len(self._versions))

    def _continues(self, run: list[LoggedEvent], logged: LoggedEvent) -> bool:
        last = run[-1]
        return (
            len(run) < self._batch_size
            and logged.stream == last.stream
            and logged.stream_version == last.stream_version + 1
        )

    async def _write(self, run: list[LoggedEvent]) -> None:
        stream = run[0].stream
        version = await self._target_version(stream)
        if run[0].stream_version > version + 1:
            await self._refuse(
                run[0].line,
                f"stream {stream!r} is at version {version} in the target, and this line holds version "
                f"{run[0].stream_version}: the file lacks the events in between",
            )
        present = [logged for logged in run if logged.stream_version <= version]
        fresh = run[len(present) :]
        if present:
            if self._queue.holds(stream):  # a line repeated: what it repeats must be written to compare
                await self._queue.send()
            await self._check_present(stream, present)
            self._present += len(present)
        if fresh:
            self._versions[stream] = fresh[-1].stream_version
            await self._queue.add(stream, version, fresh)

    async def _target_version(self, stream: str) -> int:
        known = self._versions.get(stream)
        if known is None:
            last = await self._store.read_stream(stream, backwards=True, limit=1)
            known = self._versions[stream] = last[0].stream_version if last else 0
        return known

    async def _check_present(self, stream: str, present: Sequence[LoggedEvent]) -> None:
        by_version = await self._stored.at(stream, present[0].stream_version, present[-1].stream_version)
        for logged in present:
            held = by_version.get(logged.stream_version)
            if held is None or not _same_event(held, logged):
                await self._refuse(logged.line, _difference(stream, held, logged))

    async def _refuse(self, line: int, reason: str) -> None:
        """Stop at `line`, with every line before it written: a re-run has that much less to do."""
        await self._queue.send()
        raise ImportConflict(line, reason)


def _same_event(held: RecordedEvent, logged: LoggedEvent) -> bool:
    event = logged.event
    return (
        held.event_id == event.event_id
        and held.type == event.type
        and held.schema_version == event.schema_version
        and held.metadata == event.metadata
        and held.data == event.data
    )


def _difference(stream: str, held: RecordedEvent | None, logged: LoggedEvent) -> str:
    where = f"stream {stream!r} at version {logged.stream_version}"
    if held is None:
        return f"the target has no event in {where}, though its stream is past it"
    if held.event_id != logged.event.event_id:
        return (
            f"the target holds another event in {where} ({held.event_id}, the file {logged.event.event_id})"
        )
    return f"the target holds event {held.event_id} in {where} with other content"
