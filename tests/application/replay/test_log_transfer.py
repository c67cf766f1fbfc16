"""Export and import between two in-memory event stores: the round trip gives the same bytes, a re-run
appends nothing, an interrupted import resumes, and a file that disagrees with the target is refused at
the first line that does (the PostgreSQL and CLI side: tests/replay)."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest

from adapters.memory.store import InMemoryEventStore
from application.eventstore import EventStore, StreamState
from application.replay.export import LogExport, StreamNotFound
from application.replay.importer import ImportReport, LogImport, count_lines
from application.replay.line_format import ImportConflict, MalformedLine
from tests.adapters.eventstore import command_metadata, new_event, new_events

T0 = datetime(2024, 1, 2, 3, 4, 5, 678901, tzinfo=UTC)


async def export(store: EventStore, *, stream: str | None = None, page_size: int = 3) -> list[str]:
    chunks = [chunk async for chunk in LogExport(store, stream=stream, page_size=page_size).chunks()]
    return "".join(chunks).splitlines(keepends=True)


async def source_log() -> InMemoryEventStore:
    """Three interleaved streams, several events per command, a command's events at one recorded time."""
    store = InMemoryEventStore()
    for step, stream in enumerate(["plan-a", "user-b", "plan-a", "coaching-c", "user-b", "plan-a"]):
        current = len(await store.read_stream(stream))
        at = T0 + timedelta(minutes=step)
        events = [replace(event, recorded_at=at) for event in new_events(1 + step % 3)]
        await store.append(stream, events, current or StreamState.NO_STREAM)
    return store


async def test_a_log_moved_to_another_store_exports_the_same_bytes() -> None:
    source = await source_log()
    lines = await export(source)
    target = InMemoryEventStore()

    report = await LogImport(target, batch_size=2).run(lines, total=len(lines))

    assert report == ImportReport(lines=len(lines), appended=len(lines), already_present=0, streams=3)
    assert await export(target) == lines
    assert len(lines) == await source.current_position() == 12


async def test_a_second_run_appends_nothing() -> None:
    lines = await export(await source_log())
    target = InMemoryEventStore()
    await LogImport(target).run(lines)
    report = await LogImport(target).run(lines)
    assert report == ImportReport(lines=12, appended=0, already_present=12, streams=3)
    assert await target.current_position() == 12


async def test_an_interrupted_import_resumes_where_it_stopped() -> None:
    lines = await export(await source_log())
    target = InMemoryEventStore()
    first = await LogImport(target).run(lines[:5])
    rest = await LogImport(target).run(lines)
    assert (first.appended, rest.appended, rest.already_present) == (5, 7, 5)
    assert await export(target) == lines


async def test_another_event_at_a_version_stops_the_import_at_its_line() -> None:
    lines = await export(await source_log())
    target = InMemoryEventStore()
    await target.append("user-b", [new_event()], StreamState.NO_STREAM)  # not the file's user-b@1
    first_user_line = next(n for n, line in enumerate(lines, 1) if json.loads(line)["stream"] == "user-b")

    with pytest.raises(ImportConflict) as conflict:
        await LogImport(target).run(lines)

    assert conflict.value.line == first_user_line
    assert "another event in stream 'user-b' at version 1" in str(conflict.value)
    assert conflict.value.code == "IMPORT_CONFLICT"
    written = [json.loads(line)["event_id"] for line in await export(target)]
    assert written[1:] == [json.loads(line)["event_id"] for line in lines[: first_user_line - 1]]


async def test_the_same_event_id_with_other_content_is_a_conflict() -> None:
    lines = await export(await source_log())
    target = InMemoryEventStore()
    await LogImport(target).run(lines)
    changed = json.loads(lines[4])
    changed["data"] = {"index": 99}
    edited = [*lines[:4], json.dumps(changed), *lines[5:]]
    with pytest.raises(ImportConflict, match=r"line 5: .* with other content"):
        await LogImport(target).run(edited)


async def test_a_file_lacking_a_streams_earlier_events_is_refused_at_the_first_line_after_the_gap() -> None:
    lines = await export(await source_log())
    without_line_2 = [lines[0], *lines[2:]]  # user-b@1 is missing, user-b@2 follows on line 2
    with pytest.raises(ImportConflict, match=r"line 2: stream 'user-b' is at version 0 .* holds version 2"):
        await LogImport(InMemoryEventStore()).run(without_line_2)


async def test_an_event_id_used_by_another_stream_stops_the_import_with_the_lines_before_written() -> None:
    lines = await export(await source_log())
    taken = json.loads(lines[6])
    target = InMemoryEventStore()
    await target.append(
        "elsewhere", [replace(new_event(), event_id=UUID(taken["event_id"]))], StreamState.NO_STREAM
    )
    with pytest.raises(ImportConflict, match=r"line 7: .*used by another stream"):
        await LogImport(target).run(lines)
    assert [line for line in await export(target) if '"stream":"elsewhere"' not in line] == [
        json.dumps({**json.loads(line), "position": n}, sort_keys=True, separators=(",", ":")) + "\n"
        for n, line in enumerate(lines[:6], start=2)
    ]


def test_counting_the_lines_reads_each_and_names_the_first_bad_one() -> None:
    good = '{"data":{},"event_id":"6f1c1b7e-8a43-4c1e-9d57-0c6a3c1f2e01","metadata":' + json.dumps(
        command_metadata().to_dict(), sort_keys=True
    )
    good += ',"recorded_at":"2024-01-02T03:04:05.000000Z","schema_version":1,"stream":"s-1",'
    good += '"stream_version":1,"type":"T"}\n'
    assert count_lines([good, good]) == 2
    with pytest.raises(MalformedLine, match="line 3: "):
        count_lines([good, good, good[:40]])


async def test_one_stream_exports_alone_and_an_unknown_stream_is_reported() -> None:
    source = await source_log()
    whole = await export(source)
    assert await export(source, stream="plan-a", page_size=2) == [
        line for line in whole if json.loads(line)["stream"] == "plan-a"
    ]
    with pytest.raises(StreamNotFound, match="'plan-z'"):
        await export(source, stream="plan-z")


async def test_an_export_stops_at_the_head_it_saw_when_it_started() -> None:
    source = await source_log()
    chunks = LogExport(source, page_size=5).chunks()
    first = await anext(chunks)
    await source.append("late-1", new_events(2), StreamState.NO_STREAM)
    rest = [chunk async for chunk in chunks]
    exported = "".join([first, *rest]).splitlines()
    assert len(exported) == 12
    assert all(json.loads(line)["stream"] != "late-1" for line in exported)
