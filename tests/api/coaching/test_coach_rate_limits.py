"""The coach's rate limits over the real server and Redis, at their default settings: 10 coaching
mutations per second per user (the specification's AI policy) and 20 chat messages per minute per user.
A refusal is a RATE_LIMITED user error with `retryAfterSeconds` and writes nothing; another user is not
affected."""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from domain.coaching import coaching_stream
from fitcoach.settings import Settings
from tests.api.coaching.coach_support import SEND, START, start_session
from tests.api.graphql_client import register
from tests.api.live_support import codes, raw_id
from tests.api.server import RunningApi, fresh_database, running_api, test_settings

DEFAULTS = Settings.model_fields


@pytest.fixture(scope="module")
async def served() -> AsyncIterator[RunningApi]:
    """An API with the coach's per-second limit at its default (the other tests raise it)."""
    overrides = {"coach_rate_limit_per_second": DEFAULTS["coach_rate_limit_per_second"].default}
    async with fresh_database() as url, running_api(test_settings(url, **overrides)) as running:
        yield running


@pytest.fixture(scope="module")
async def chatty() -> AsyncIterator[RunningApi]:
    """An API with the per-minute limit on chat messages at its default, and the per-second one out of
    the way (20 messages are sent faster than 10 a second)."""
    overrides = {"coach_messages_per_minute": DEFAULTS["coach_messages_per_minute"].default}
    async with fresh_database() as url, running_api(test_settings(url, **overrides)) as running:
        yield running


def aliased(count: int) -> str:
    """One document starting `count` sessions (each field is one coaching request)."""
    fields = " ".join(
        f"s{n}: startCoachingSession(input: {{}}) {{"
        " session { id } userErrors { code message retryAfterSeconds } }"
        for n in range(count)
    )
    return f"mutation {{ {fields} }}"


async def test_given_the_ai_policy_when_a_user_asks_more_than_10_a_second_then_the_rest_are_rate_limited(
    served,
):
    async with served.client() as http:
        ada = await register(http, "Ada")
        began = time.monotonic()
        # Two documents of 15 mutations at once: 30 coaching requests in much less than two seconds.
        bodies = await asyncio.gather(ada.data(aliased(15)), ada.data(aliased(15)))
        elapsed = time.monotonic() - began
        payloads = [payload for body in bodies for payload in body.values()]
        started = [p for p in payloads if p["session"] is not None]
        refused = [p["userErrors"] for p in payloads if p["session"] is None]
        # A full bucket of 10, refilled at 10 a second while they ran; each refused field on its own.
        assert 10 <= len(started) <= 10 + math.ceil(elapsed * 10), (len(started), elapsed)
        assert len(started) + len(refused) == 30
        assert refused, elapsed
        for errors in refused:
            [error] = errors
            assert error["code"] == "RATE_LIMITED"
            assert "10 a second" in error["message"]
            assert 0 < error["retryAfterSeconds"] <= 1

        bob = await register(http, "Bob")
        assert (await bob.data(START, {"input": {}}))["startCoachingSession"]["userErrors"] == []


async def test_given_20_messages_in_a_minute_when_more_are_sent_then_they_are_refused_and_not_written(chatty):
    async with chatty.client() as http:
        ada = await register(http, "Cleo")
        sessions = [await start_session(ada) for _ in range(12)]
        began = time.monotonic()
        sent: list[int] = []
        refused: dict[str, Any] | None = None
        for n in range(36):
            session = sessions[n // 3]  # at most 3 messages wait for a reply in a session
            body = await ada.data(SEND, {"input": {"sessionId": session["id"], "text": f"Message {n}"}})
            payload = body["sendCoachMessage"]
            if payload["userErrors"]:
                refused = payload
                break
            sent.append(n)
        elapsed = time.monotonic() - began
        # A burst of 20, refilled at one every 3 seconds while they were sent.
        assert 20 <= len(sent) <= 20 + math.ceil(elapsed / 3), (len(sent), elapsed)
        assert refused is not None
        assert refused["message"] is None
        [error] = refused["userErrors"]
        assert error["code"] == "RATE_LIMITED"
        assert "20 a minute" in error["message"]
        assert 0 < error["retryAfterSeconds"] <= 3
        refused_in = sessions[len(sent) // 3]
        recorded = await chatty.api.core.store.read_stream(coaching_stream(raw_id(refused_in["id"])))
        assert [record.type for record in recorded].count("UserMessageSent") == len(sent) % 3


@pytest.fixture(scope="module")
async def strict() -> AsyncIterator[RunningApi]:
    """An API whose general mutation limit is 3 at once, then one a minute."""
    overrides = {"mutation_rate_limit_burst": 3, "mutation_rate_limit_per_minute": 1}
    async with fresh_database() as url, running_api(test_settings(url, **overrides)) as running:
        yield running


async def test_given_the_mutation_rate_limit_then_coaching_mutations_count_against_it(strict):
    async with strict.client() as http:
        ada = await register(http, "Ada")  # signed out: counted against the address, not Ada
        session = await start_session(ada)
        for text in ("One", "Two"):
            body = await ada.data(SEND, {"input": {"sessionId": session["id"], "text": text}})
            assert body["sendCoachMessage"]["userErrors"] == []
        refused = await ada.execute(SEND, {"input": {"sessionId": session["id"], "text": "Three"}})
        assert codes(refused) == ["RATE_LIMITED"]
        assert refused["data"] is None
        recorded = await strict.api.core.store.read_stream(coaching_stream(raw_id(session["id"])))
        assert [record.type for record in recorded].count("UserMessageSent") == 2
