"""`fitcoach replay export` and `import` between real PostgreSQL databases, run as processes: the round trip
gives the same bytes, a re-run appends nothing, a bad file is refused before anything is written, a
stopped import resumes, a conflicting event stops it at its line, and one stream exports alone."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import psycopg
import pytest

from adapters.postgres.audit_schema import migrate_audit
from adapters.postgres.store import PostgresEventStore
from tests.projections import migrated_database
from tests.replay import empty_database, fitcoach, lines_of, parsed, write_every_kind_of_event

STREAM_KINDS = {"library", "user", "useremail", "workout", "coaching"}


@pytest.fixture(scope="module")
async def source_url() -> AsyncIterator[str]:
    async with migrated_database("fitcoach_replay_source") as url:
        store = await PostgresEventStore.connect(url)
        try:
            await write_every_kind_of_event(store, seed=11)
        finally:
            await store.close()
        yield url


@pytest.fixture(scope="module")
def exported(source_url: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("replay") / "events.jsonl"
    completed = fitcoach(source_url, "replay", "export", stdout=path)
    assert completed.returncode == 0, completed.stderr
    assert "exporting [" in completed.stderr
    assert f"exported {len(lines_of(path)):,} events" in completed.stderr
    return path


@pytest.fixture
async def target_url() -> AsyncIterator[str]:
    async with empty_database() as url:
        yield url


def import_file(url: str, path: Path) -> dict[str, int]:
    completed = fitcoach(url, "replay", "import", str(path), "--to", "postgres", "--json")
    assert completed.returncode == 0, completed.stderr
    assert "importing [" in completed.stderr
    report = json.loads(completed.stdout)
    assert isinstance(report, dict)
    return report


def export_to(url: str, path: Path, *args: str) -> bytes:
    completed = fitcoach(url, "replay", "export", *args, stdout=path)
    assert completed.returncode == 0, completed.stderr
    return path.read_bytes()


def content(path: Path) -> bytes:
    return path.read_bytes()


def write_lines(path: Path, lines: list[bytes]) -> Path:
    path.write_bytes(b"".join(lines))
    return path


async def event_count(url: str) -> int | None:
    """The events in the database at `url`, None when it has no event store at all."""
    async with await psycopg.AsyncConnection.connect(url) as conn:
        cursor = await conn.execute("SELECT to_regclass('eventstore.events') IS NOT NULL")
        row = await cursor.fetchone()
        if row is None or not row[0]:
            return None
        cursor = await conn.execute("SELECT count(*) FROM eventstore.events")
        counted = await cursor.fetchone()
        return None if counted is None else int(counted[0])


def test_the_export_holds_every_kind_of_event_one_canonical_object_a_line(exported: Path) -> None:
    lines = lines_of(exported)
    events = [parsed(line) for line in lines]
    assert {event["stream"].split("-")[0] for event in events} == STREAM_KINDS
    assert [event["position"] for event in events] == list(range(1, len(events) + 1))
    for line, event in zip(lines, events, strict=True):
        canonical = json.dumps(event, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        assert line == canonical.encode() + b"\n"
        assert event["recorded_at"].endswith("Z")


def test_a_log_moved_to_a_fresh_database_exports_the_same_bytes_and_a_rerun_appends_nothing(
    exported: Path, target_url: str, tmp_path: Path
) -> None:
    count = len(lines_of(exported))
    streams = len({parsed(line)["stream"] for line in lines_of(exported)})

    first = import_file(target_url, exported)
    assert first == {"lines": count, "appended": count, "already_present": 0, "streams": streams}
    assert export_to(target_url, tmp_path / "again.jsonl") == content(exported)

    second = import_file(target_url, exported)
    assert second == {"lines": count, "appended": 0, "already_present": count, "streams": streams}
    assert export_to(target_url, tmp_path / "once-more.jsonl") == content(exported)


async def test_a_chained_log_moved_to_a_fresh_database_keeps_its_chain(
    source_url: str, exported: Path, target_url: str
) -> None:
    """The import writes the exported chain hashes as they are (it does not chain again), and the hash
    covers no position nor recorded time: the moved log passes `fitcoach audit integrity` as it did. (The
    workload also writes some streams straight to the store, unchained, as logs from before the chain.)"""
    chained = [line for line in lines_of(exported) if parsed(line)["metadata"]["chain_hash"]]
    assert chained
    import_file(target_url, exported)
    summaries = []
    for url in (source_url, target_url):
        await migrate_audit(url)
        checked = fitcoach(url, "audit", "integrity", "--json")
        assert checked.returncode == 0, checked.stderr
        summary = json.loads(checked.stdout)
        del summary["seconds"]
        assert (summary["events"], summary["broken"]) == (len(lines_of(exported)), 0)
        summaries.append(summary)
    source, target = summaries
    assert target == source
    assert target["ok"] > 0
    assert target["unchained_events"] == len(lines_of(exported)) - len(chained)


def cut_mid_line(lines: list[bytes]) -> tuple[list[bytes], int]:
    middle = len(lines) // 2
    return [*lines[:middle], lines[middle][: len(lines[middle]) // 2]], middle + 1


def one_line_without_a_key(lines: list[bytes]) -> tuple[list[bytes], int]:
    broken = parsed(lines[6])
    del broken["stream_version"]
    return [*lines[:6], json.dumps(broken).encode() + b"\n", *lines[7:]], 7


@pytest.mark.parametrize("damage", [cut_mid_line, one_line_without_a_key], ids=["truncated", "malformed"])
async def test_a_damaged_file_is_refused_before_anything_is_written_and_the_fixed_one_imports(
    exported: Path, target_url: str, tmp_path: Path, damage: object
) -> None:
    assert callable(damage)
    damaged_lines, bad_line = damage(lines_of(exported))
    damaged = write_lines(tmp_path / "damaged.jsonl", damaged_lines)

    refused = fitcoach(target_url, "replay", "import", str(damaged), "--to", "postgres")

    assert refused.returncode == 1
    assert f"error [MALFORMED_LINE]: line {bad_line}: " in refused.stderr
    assert "Traceback" not in refused.stderr
    assert await event_count(target_url) is None
    assert import_file(target_url, exported)["appended"] == len(lines_of(exported))


def test_an_import_stopped_part_way_resumes_where_it_stopped(
    exported: Path, target_url: str, tmp_path: Path
) -> None:
    lines = lines_of(exported)
    half = len(lines) // 2
    assert (
        import_file(target_url, write_lines(tmp_path / "first-half.jsonl", lines[:half]))["appended"] == half
    )

    resumed = import_file(target_url, exported)

    assert (resumed["appended"], resumed["already_present"]) == (len(lines) - half, half)
    assert export_to(target_url, tmp_path / "after.jsonl") == content(exported)


def test_another_event_where_the_file_has_one_stops_the_import_at_that_line(
    exported: Path, target_url: str, tmp_path: Path
) -> None:
    lines = lines_of(exported)
    import_file(target_url, exported)
    edited = parsed(lines[9])
    edited["event_id"] = "00000000-0000-4000-8000-000000000001"
    conflicting = write_lines(
        tmp_path / "conflicting.jsonl", [*lines[:9], json.dumps(edited).encode() + b"\n", *lines[10:]]
    )

    refused = fitcoach(target_url, "replay", "import", str(conflicting), "--to", "postgres")

    assert refused.returncode == 1
    assert "error [IMPORT_CONFLICT]: line 10: the target holds another event in stream" in refused.stderr
    assert export_to(target_url, tmp_path / "untouched.jsonl") == content(exported)


def test_one_stream_exports_alone_and_moves_alone(
    exported: Path, source_url: str, target_url: str, tmp_path: Path
) -> None:
    events = [parsed(line) for line in lines_of(exported)]
    stream = next(event["stream"] for event in events if event["stream"].startswith("coaching-"))
    expected = [
        line for line, event in zip(lines_of(exported), events, strict=True) if event["stream"] == stream
    ]

    alone = export_to(source_url, tmp_path / "stream.jsonl", "--stream", stream)
    assert alone == b"".join(expected)

    report = import_file(target_url, tmp_path / "stream.jsonl")
    assert (report["appended"], report["streams"]) == (len(expected), 1)
    moved = [
        parsed(line)
        for line in export_to(target_url, tmp_path / "moved.jsonl", "--stream", stream).splitlines()
    ]
    assert [{**event, "position": 0} for event in moved] == [
        {**parsed(line), "position": 0} for line in expected
    ]


def test_an_unknown_stream_is_reported_not_exported_empty(source_url: str) -> None:
    completed = fitcoach(source_url, "replay", "export", "--stream", "plan-nothing-here")
    assert completed.returncode == 1
    assert completed.stdout == ""
    assert "error [STREAM_NOT_FOUND]: stream 'plan-nothing-here' has no events" in completed.stderr


def test_a_missing_file_or_an_unconfigured_target_is_an_error_without_a_traceback(
    exported: Path, target_url: str, tmp_path: Path
) -> None:
    missing = fitcoach(target_url, "replay", "import", str(tmp_path / "none.jsonl"), "--to", "postgres")
    assert missing.returncode == 1
    assert "error [UNREADABLE_FILE]: cannot read" in missing.stderr
    no_kurrentdb = fitcoach(
        target_url, "replay", "import", str(exported), "--to", "kurrentdb", env={"FITCOACH_KURRENTDB_URL": ""}
    )
    assert no_kurrentdb.returncode == 1
    assert "error [STORE_NOT_CONFIGURED]: KurrentDB needs FITCOACH_KURRENTDB_URL" in no_kurrentdb.stderr
    assert "Traceback" not in missing.stderr + no_kurrentdb.stderr
