"""`PlainDataScan` on PostgreSQL: of a log written partly sealed, partly as before sealing existed, it lists
exactly the streams whose events hold personal data in plain text, with the right counts and bounds."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import pytest

from adapters.memory.store import InMemoryEventStore
from application.integrity.log_pages import ReadProgress
from application.privacy.pii_scan import PlainDataReport, PlainDataScan
from tests.application.privacy.plain_log import MixedLog, mixed_log


@pytest.fixture(scope="module")
async def log() -> AsyncIterator[MixedLog]:
    async with mixed_log("fitcoach_pii_scan") as written:
        yield written


async def test_the_scan_lists_exactly_the_streams_with_plain_personal_data(log: MixedLog) -> None:
    raw = log.store.stored
    everything = await raw.read_all(limit=10_000)
    stored_text: dict[str, str] = {}
    for event in everything:
        stored_text[event.stream] = stored_text.get(event.stream, "") + json.dumps(event.data)
    # The log is what the scan should find: plain where written plain, sealed elsewhere.
    assert log.plain_email in stored_text[log.plain_user_stream]
    assert log.plain_message in stored_text[log.plain_session_stream]
    assert log.sealed_email not in json.dumps([event.data for event in everything])

    seen: list[ReadProgress] = []
    report = await PlainDataScan(raw).log(progress=seen.append)

    assert [stream.stream for stream in report.streams] == sorted(
        [log.plain_user_stream, log.plain_session_stream]
    )
    assert (report.events_scanned, report.streams_scanned) == (len(everything), len(stored_text))
    assert seen[-1].events == len(everything)
    assert report.plain_events == 3

    user_events = await raw.read_stream(log.plain_user_stream)
    assert [event.type for event in user_events] == ["UserRegistered", "ProfileUpdated", "PasswordChanged"]
    [user, session] = sorted(report.streams, key=lambda stream: stream.stream != log.plain_user_stream)
    assert (user.events, user.first_version, user.last_version) == (2, 1, 3)
    assert (user.first_position, user.last_position) == (user_events[0].position, user_events[2].position)
    assert user.event_types == {"UserRegistered": 1, "PasswordChanged": 1}

    message = (await raw.read_stream(log.plain_session_stream))[1]
    assert (session.events, session.first_version, session.last_version) == (1, 2, 2)
    assert session.first_position == session.last_position == message.position
    assert session.event_types == {"UserMessageSent": 1}


async def test_given_the_opened_store_it_scans_the_log_as_written_in_any_page_size(log: MixedLog) -> None:
    as_written = await PlainDataScan(log.store.stored).log()
    # Opened, every sealed field would read as plain text: the scan must look underneath.
    assert await PlainDataScan(log.store).log() == as_written
    assert await PlainDataScan(log.store.stored, page_size=2).log() == as_written


async def test_the_json_report_names_totals_and_each_stream(log: MixedLog) -> None:
    report = await PlainDataScan(log.store.stored).log()
    shape = report.to_json()
    assert set(shape) == {"events_scanned", "streams_scanned", "plain_events", "plain_streams", "streams"}
    assert (shape["plain_events"], shape["plain_streams"]) == (3, 2)
    user = next(stream for stream in shape["streams"] if stream["stream"] == log.plain_user_stream)
    assert (user["first"]["version"], user["last"]["version"]) == (1, 3)
    assert user["event_types"] == {"PasswordChanged": 1, "UserRegistered": 1}
    assert log.plain_email not in json.dumps(shape)


async def test_an_empty_log_has_nothing_to_report() -> None:
    assert await PlainDataScan(InMemoryEventStore()).log() == PlainDataReport(0, 0, ())
