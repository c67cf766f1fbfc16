"""The KurrentDB adapter turns client errors into ours, resubscribes only after transient ones (backing off),
and never shows a password; checked without a server on real kurrentdbclient exceptions."""

from __future__ import annotations

import kurrentdbclient
import pytest
from kurrentdbclient import exceptions as kurrent_errors

from adapters.kurrentdb.mapping import (
    RESUBSCRIBE_FIRST_DELAY,
    RESUBSCRIBE_MAX_DELAY,
    actual_version,
    boundary,
    is_transient,
    redact_uri,
    resubscribe_delay,
    translate_error,
)
from application.eventstore import EventStoreUnavailable


@pytest.mark.parametrize(
    ("reported", "ours"),
    [(4, 5), (0, 1), (-1, 0), (kurrentdbclient.StreamState.NO_STREAM, 0), (None, None)],
)
def test_a_conflict_reports_our_version_of_the_stream(reported, ours):
    conflict = kurrent_errors.WrongCurrentVersionError(
        "conflict", stream_name="plan-1", actual_version=reported
    )
    assert actual_version(conflict) == ours


@pytest.mark.parametrize(
    "error",
    [
        kurrent_errors.ServiceUnavailableError("connection refused"),
        kurrent_errors.GrpcDeadlineExceededError("deadline"),
        kurrent_errors.ConsumerTooSlowError("Consumer too slow"),
        kurrent_errors.DiscoveryFailedError("no gossip"),
        kurrent_errors.UnauthenticatedError("who are you"),
        ConnectionResetError("reset by peer"),
    ],
)
def test_connection_problems_become_unavailable(error):
    translated = translate_error(error)
    assert isinstance(translated, EventStoreUnavailable)
    assert translated.code == "UNAVAILABLE"


@pytest.mark.parametrize(
    "error",
    [
        kurrent_errors.TransactionMaxSizeExceededError("too big", size=10, max_size=5),
        kurrent_errors.StreamIsDeletedError("deleted"),
        kurrent_errors.InvalidCommitPositionError("no such position"),
    ],
)
def test_other_client_errors_become_generic_event_store_errors(error):
    translated = translate_error(error)
    assert not isinstance(translated, EventStoreUnavailable)
    assert translated.code == "EVENT_STORE_ERROR"
    assert type(error).__name__ in str(translated)


def test_the_boundary_translates_and_keeps_the_cause():
    original = kurrent_errors.ServiceUnavailableError("down")
    with pytest.raises(EventStoreUnavailable) as raised, boundary():
        raise original
    assert raised.value.__cause__ is original


def test_the_boundary_lets_errors_the_caller_handles_through():
    with pytest.raises(kurrent_errors.NotFoundError), boundary(passthrough=(kurrent_errors.NotFoundError,)):
        raise kurrent_errors.NotFoundError("no stream")


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (kurrent_errors.ServiceUnavailableError("down"), True),
        (kurrent_errors.GrpcDeadlineExceededError("slow"), True),
        (kurrent_errors.ConsumerTooSlowError("Consumer too slow"), True),
        (kurrent_errors.CancelledError("server cancelled"), True),
        (kurrent_errors.CancelledByClientError("Locally cancelled by application!"), False),
        (kurrent_errors.TransactionMaxSizeExceededError("too big", size=10, max_size=5), False),
        (kurrent_errors.AccessDeniedError("no"), False),
        (kurrent_errors.NotFoundError("gone"), False),
    ],
)
def test_only_transient_errors_resume_a_subscription(error, transient):
    assert is_transient(error) is transient


def test_resubscribing_backs_off_exponentially_up_to_a_cap():
    delays = [resubscribe_delay(n) for n in range(1, 20)]
    assert delays[0] == RESUBSCRIBE_FIRST_DELAY
    assert delays[1] == 2 * RESUBSCRIBE_FIRST_DELAY
    assert delays == sorted(delays)
    assert delays[-1] == RESUBSCRIBE_MAX_DELAY


@pytest.mark.parametrize(
    ("uri", "shown"),
    [
        ("kurrentdb://admin:changeit@db:2113?tls=true", "kurrentdb://admin:***@db:2113?tls=true"),
        ("kurrentdb://kurrentdb:2113?tls=false", "kurrentdb://kurrentdb:2113?tls=false"),
    ],
)
def test_connection_strings_are_shown_without_their_password(uri, shown):
    assert redact_uri(uri) == shown
