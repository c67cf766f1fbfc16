"""The KurrentDB adapter translates our expected versions to KurrentDB stream positions and back; checked
without a server."""

from __future__ import annotations

import kurrentdbclient
import pytest

from adapters.kurrentdb.mapping import to_kurrent_expected, version_after_append
from application.eventstore import ExpectedVersion, StreamState


@pytest.mark.parametrize(
    ("ours", "theirs"),
    [
        (StreamState.NO_STREAM, kurrentdbclient.StreamState.NO_STREAM),
        (StreamState.ANY, kurrentdbclient.StreamState.ANY),
        (0, kurrentdbclient.StreamState.NO_STREAM),
        (1, 0),
        (7, 6),
    ],
)
def test_expected_versions_map_to_kurrent_stream_positions(ours, theirs):
    assert to_kurrent_expected(ours) == theirs


def test_a_negative_expected_version_has_no_kurrent_meaning():
    with pytest.raises(ValueError, match="version >= 0"):
        to_kurrent_expected(-1)


@pytest.mark.parametrize(
    ("expected", "count", "after"),
    [(StreamState.NO_STREAM, 3, 3), (0, 1, 1), (5, 2, 7), (StreamState.ANY, 2, None)],
)
def test_the_version_after_an_append_follows_from_the_expected_version(
    expected: ExpectedVersion, count: int, after: int | None
) -> None:
    assert version_after_append(expected, count) == after
