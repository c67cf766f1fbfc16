"""The coach worker on the real PostgreSQL and Redis: exactly one reply per message with two workers racing,
a claim whose worker died taken over once its lease runs out (the same reply, the next attempt), a long
reply keeping its claim by renewing it, a session ended mid-reply stopping its worker, a message failed
after `MAX_ATTEMPTS` claims, and a clean stop."""

from __future__ import annotations

import asyncio
import itertools
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta
from typing import Any
from uuid import UUID

import pytest

from application.coaching.chat_feed import ChatEntryKind
from application.coaching.generation import ATTEMPTS_EXHAUSTED, ReplyGenerator, ReplyOutcome, ReplyPolicy
from application.coaching.model import CoachAnswer, CoachPrompt, TextSink
from application.coaching.offline_coach import OfflineCoachModel
from application.coaching.worker import CoachWorker
from application.handler import CommandHandler, CommandMetadata
from domain.coaching import MAX_ATTEMPTS
from domain.coaching.commands import ClaimReply, EndCoachingSession
from domain.coaching.decision import RENEWALS_PER_LEASE, SESSION_ENDED
from domain.coaching.events import (
    CoachReplyCompleted,
    CoachReplyFailed,
    CoachReplyLeaseRenewed,
    CoachReplyStarted,
)
from domain.coaching.values import ReplyUsage
from tests.adapters.api_ports.redis_server import eventually
from tests.coaching.worker_support import Coach, deltas, feed_entries, kinds

SHORT_LEASE = ReplyPolicy(lease_seconds=1.5)
"""Short enough to wait out, long enough for the claim, the context and the model's first word under a
loaded CI machine (at 0.5 s a claim once expired before its first renewal and the model was never asked)."""


class HangingModel:
    """A model that streams a word, then never finishes: its worker is killed mid-reply."""

    def __init__(self) -> None:
        self.asked = asyncio.Event()

    @property
    def provider(self) -> str:
        return "hanging"

    @property
    def model(self) -> str:
        return "hanging-1"

    async def answer(self, prompt: CoachPrompt, on_text: TextSink) -> CoachAnswer:
        await on_text("Let me ")
        self.asked.set()
        await asyncio.Event().wait()
        raise AssertionError("never answers")


def offline_worker(coach: Coach, **options: float) -> CoachWorker:
    generator = coach.generator(links=(OfflineCoachModel(),))
    return CoachWorker(coach.store, generator, coach.read_model, sweep_seconds=0.2, **options)  # type: ignore[arg-type]


async def replies(
    coach: Coach, session: UUID
) -> tuple[list[CoachReplyStarted], list[CoachReplyCompleted | CoachReplyFailed]]:
    events = await coach.events(session)
    started = [e for e in events if isinstance(e, CoachReplyStarted)]
    finished = [e for e in events if isinstance(e, CoachReplyCompleted | CoachReplyFailed)]
    return started, finished


async def finished_count(coach: Coach, sessions: Sequence[UUID], count: int) -> bool:
    async def done() -> bool:
        counts = [len((await replies(coach, session))[1]) for session in sessions]
        return min(counts) >= count

    return await eventually(done, attempts=300, pause=0.1)


async def test_two_workers_racing_give_each_message_exactly_one_reply(coach: Coach) -> None:
    workers = [offline_worker(coach), offline_worker(coach)]
    tasks = [asyncio.create_task(worker.run()) for worker in workers]
    await asyncio.sleep(0.3)  # both follow the log
    user = await coach.user()
    sessions = [await coach.session(user) for _ in range(6)]
    try:
        for session in sessions:
            await coach.send(session, "how should I warm up?")
        for session in sessions:
            await coach.send(session, "and how do I progress?")
        assert await finished_count(coach, sessions, 2)
    finally:
        for worker in workers:
            worker.stop()
        await asyncio.wait_for(asyncio.gather(*tasks), 15)
    for session in sessions:
        started, finished = await replies(coach, session)
        assert len(started) == 2, "one claim per message: the other worker lost the race"
        assert [type(e) for e in finished] == [CoachReplyCompleted, CoachReplyCompleted]
        assert {e.attempt for e in started} == {1}


class ClaimAfterGate:
    """The command path of a worker whose claim is held back until `gate` opens: it read the session before
    another worker's claim, and claims after it."""

    def __init__(self, handler: CommandHandler[Any, Any, Any], gate: asyncio.Event) -> None:
        self._handler = handler
        self._gate = gate

    async def handle(self, command: Any, metadata: CommandMetadata, **options: Any) -> Any:
        if isinstance(command, ClaimReply):
            await self._gate.wait()
        return await self._handler.handle(command, metadata, **options)


async def test_a_worker_that_read_the_session_before_another_claimed_it_loses_the_race(coach: Coach) -> None:
    user = await coach.user()
    session = await coach.session(user)
    await coach.send(session, "how should I warm up?")
    gate = asyncio.Event()
    late = coach.generator(links=(OfflineCoachModel(),), handler=ClaimAfterGate(coach.handler, gate))  # type: ignore[arg-type]
    late_attempt = asyncio.create_task(late.attend(session))
    await asyncio.sleep(0.2)  # it has read the session and waits to claim
    model = HangingModel()
    first = asyncio.create_task(coach.generator(links=(model,)).attend(session))
    try:
        await asyncio.wait_for(model.asked.wait(), 10)  # the first worker claimed and streams
        gate.set()
        assert await asyncio.wait_for(late_attempt, 10) is ReplyOutcome.CLAIMED_ELSEWHERE
    finally:
        first.cancel()
        await asyncio.gather(first, late_attempt, return_exceptions=True)
    started, finished = await replies(coach, session)
    assert (len(started), finished) == (1, []), "only the first worker's claim, and no reply from the other"


async def test_a_reply_gives_its_starting_turn_back_once_the_model_is_asked(coach: Coach) -> None:
    user = await coach.user()
    sessions = [await coach.session(user) for _ in range(2)]
    for session in sessions:
        await coach.send(session, "how should I warm up?")
    model = HangingModel()
    generator = coach.generator(links=(model,), starting_at_once=1)
    attending = [asyncio.create_task(generator.attend(sessions[0]))]
    try:
        await asyncio.wait_for(model.asked.wait(), 10)  # the first reply streams and never ends
        model.asked.clear()
        attending.append(asyncio.create_task(generator.attend(sessions[1])))
        await asyncio.wait_for(model.asked.wait(), 10)  # the second one started beside it
    finally:
        for task in attending:
            task.cancel()
        await asyncio.gather(*attending, return_exceptions=True)
    claimed = [len((await replies(coach, session))[0]) for session in sessions]
    assert claimed == [1, 1]


async def claimed_then_killed(coach: Coach, session: UUID) -> None:
    """A worker claims the message and dies mid-reply (its task is cancelled, its claim left behind)."""
    model = HangingModel()
    generator: ReplyGenerator = coach.generator(links=(model,), policy=SHORT_LEASE)
    task = asyncio.create_task(generator.attend(session))
    await asyncio.wait_for(model.asked.wait(), 10)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task


async def test_a_worker_that_died_mid_reply_is_taken_over_once_its_lease_expires(coach: Coach) -> None:
    user = await coach.user()
    session = await coach.session(user)
    await coach.send(session, "how should I warm up?")
    await claimed_then_killed(coach, session)
    worker = offline_worker(coach)  # started after the message: the sweep finds it
    task = asyncio.create_task(worker.run())
    try:
        assert await finished_count(coach, [session], 1)
    finally:
        worker.stop()
        await asyncio.wait_for(task, 15)
    started, finished = await replies(coach, session)
    assert [(e.provider, e.attempt) for e in started] == [("hanging", 1), ("offline", 2)]
    assert started[0].reply_id == started[1].reply_id  # one reply, claimed twice
    [completed] = finished
    assert isinstance(completed, CoachReplyCompleted)
    assert completed.reply_id == started[1].reply_id
    assert completed.usage.provider == "offline"


async def test_after_max_attempts_the_reply_is_marked_failed_and_announced(coach: Coach) -> None:
    user = await coach.user()
    session = await coach.session(user)
    await coach.send(session, "how should I warm up?")
    for _ in range(MAX_ATTEMPTS):
        await claimed_then_killed(coach, session)
        await asyncio.sleep(SHORT_LEASE.lease_seconds + 0.1)
    start = await coach.feed.head(session)
    outcome = await coach.generator(links=(OfflineCoachModel(),)).attend(session)
    assert outcome is ReplyOutcome.FAILED
    started, finished = await replies(coach, session)
    assert [e.attempt for e in started] == list(range(1, MAX_ATTEMPTS + 1))
    [failed] = finished
    assert isinstance(failed, CoachReplyFailed)
    assert (failed.cause, failed.reply_id) == (ATTEMPTS_EXHAUSTED, started[-1].reply_id)
    entries = await feed_entries(coach.feed, session, start, until=ChatEntryKind.FAILED)
    assert (entries[-1].text, entries[-1].reply_id) == (ATTEMPTS_EXHAUSTED, failed.reply_id)
    assert await coach.generator().attend(session) is ReplyOutcome.NOTHING_WAITING


async def test_a_live_claim_is_left_to_its_worker(coach: Coach) -> None:
    user = await coach.user()
    session = await coach.session(user)
    await coach.send(session, "how should I warm up?")
    model = HangingModel()
    hanging = asyncio.create_task(coach.generator(links=(model,)).attend(session))
    try:
        await asyncio.wait_for(model.asked.wait(), 10)
        other = coach.generator(links=(OfflineCoachModel(),))
        assert await other.attend(session) is ReplyOutcome.CLAIMED_ELSEWHERE
    finally:
        hanging.cancel()
        await asyncio.gather(hanging, return_exceptions=True)
    started, finished = await replies(coach, session)
    assert (len(started), finished) == (1, [])


async def test_stop_ends_the_worker_and_cuts_off_a_reply_in_flight_after_the_grace(coach: Coach) -> None:
    model = HangingModel()
    generator = coach.generator(links=(model,))
    worker = CoachWorker(coach.store, generator, coach.read_model, sweep_seconds=0.2, grace_seconds=0.2)
    task = asyncio.create_task(worker.run())
    await asyncio.sleep(0.3)
    user = await coach.user()
    session = await coach.session(user)
    await coach.send(session, "how should I warm up?")

    async def claimed() -> bool:  # this session's, not one another test left waiting in the database
        return len((await replies(coach, session))[0]) == 1

    assert await eventually(claimed)
    await asyncio.wait_for(model.asked.wait(), 10)
    worker.stop()
    await asyncio.wait_for(task, 5)
    started, finished = await replies(coach, session)
    assert (len(started), finished) == (1, [])  # its claim expires and another worker takes it over


async def test_the_sweep_sees_active_sessions_with_waiting_messages_only(coach: Coach) -> None:
    user = await coach.user()
    waiting, answered, ended = [await coach.session(user) for _ in range(3)]
    for session in (waiting, answered, ended):
        await coach.send(session, "how should I warm up?")
    assert await coach.generator(links=(OfflineCoachModel(),)).attend(answered) is ReplyOutcome.COMPLETED
    end = EndCoachingSession(session_id=ended, at=datetime.now(UTC))
    result = await coach.handler.handle(end, CommandMetadata(uuid.uuid4(), uuid.uuid4(), user_id=user))
    await coach.projected(result.position)
    found = await coach.read_model.waiting_sessions(limit=100)
    assert waiting in found
    assert answered not in found
    assert ended not in found


async def test_a_chain_slower_than_its_time_is_cut_off_and_the_offline_coach_answers(coach: Coach) -> None:
    user = await coach.user()
    session = await coach.session(user)
    await coach.send(session, "how should I warm up?")
    model = HangingModel()
    generator = coach.generator(links=(model, OfflineCoachModel()), policy=ReplyPolicy(model_seconds=1.0))
    start = await coach.feed.head(session)
    assert await generator.attend(session) is ReplyOutcome.COMPLETED
    entries = await feed_entries(coach.feed, session, start, until=ChatEntryKind.COMPLETED)
    started, finished = await replies(coach, session)
    [completed] = finished
    assert isinstance(completed, CoachReplyCompleted)
    assert completed.usage.provider == "offline"
    reset = kinds(entries).index(ChatEntryKind.RESET)
    assert kinds(entries[:reset]) == [ChatEntryKind.STARTED, ChatEntryKind.DELTA]  # the hanging model's word
    after = deltas(entries[reset:])
    assert after[0].seq == 1
    assert "".join(m.text for m in after) == completed.text
    assert len(started) == 1


class BrokenModel(HangingModel):
    """A model with a bug: it streams a word, then raises something no fallback expects."""

    async def answer(self, prompt: CoachPrompt, on_text: TextSink) -> CoachAnswer:
        await on_text("Let me ")
        raise RuntimeError("a bug")


async def test_an_unexpected_error_voids_the_streamed_text_and_leaves_the_claim_to_expire(
    coach: Coach,
) -> None:
    user = await coach.user()
    session = await coach.session(user)
    await coach.send(session, "how should I warm up?")
    start = await coach.feed.head(session)
    outcome = await coach.generator(links=(BrokenModel(), OfflineCoachModel())).attend(session)
    assert outcome is ReplyOutcome.LEFT_TO_EXPIRE
    entries = await feed_entries(coach.feed, session, start, until=ChatEntryKind.RESET)
    assert kinds(entries) == [ChatEntryKind.STARTED, ChatEntryKind.DELTA, ChatEntryKind.RESET]
    assert entries[1].text == "Let me "
    started, finished = await replies(coach, session)
    assert (len(started), finished) == (1, [])  # the sweep claims it again once the lease has run out


class GatedModel(HangingModel):
    """A model that streams a word, then waits to be released before it finishes (a long reply)."""

    def __init__(self) -> None:
        super().__init__()
        self.release = asyncio.Event()
        self.cancelled = False

    async def answer(self, prompt: CoachPrompt, on_text: TextSink) -> CoachAnswer:
        await on_text("Warm ")
        self.asked.set()
        try:
            await self.release.wait()
        except asyncio.CancelledError:
            self.cancelled = True
            raise
        await on_text("up well.")
        return CoachAnswer(
            text="Warm up well.", changes=(), confidence=0.9, usage=ReplyUsage(provider="gated", model="g-1")
        )


async def renewals(coach: Coach, session: UUID) -> list[CoachReplyLeaseRenewed]:
    return [e for e in await coach.events(session) if isinstance(e, CoachReplyLeaseRenewed)]


async def test_a_long_reply_keeps_its_claim_by_renewing_it_past_the_first_lease(coach: Coach) -> None:
    user = await coach.user()
    session = await coach.session(user)
    await coach.send(session, "how should I warm up?")
    model = GatedModel()
    policy = ReplyPolicy(lease_seconds=3.0)
    streaming = asyncio.create_task(coach.generator(links=(model,), policy=policy).attend(session))
    try:
        await asyncio.wait_for(model.asked.wait(), 10)
        [claim], _ = await replies(coach, session)

        async def renewed_past_the_first_lease() -> bool:
            renewed = await renewals(coach, session)
            return datetime.now(UTC) > claim.lease_until and len(renewed) >= 2

        assert await eventually(renewed_past_the_first_lease, attempts=200, pause=0.05)
        other = coach.generator(links=(OfflineCoachModel(),), policy=policy)
        assert await other.attend(session) is ReplyOutcome.CLAIMED_ELSEWHERE  # the claim still holds
        model.release.set()
        assert await asyncio.wait_for(streaming, 10) is ReplyOutcome.COMPLETED
    finally:
        streaming.cancel()
        await asyncio.gather(streaming, return_exceptions=True)
    started, finished = await replies(coach, session)
    assert [(e.attempt, e.provider) for e in started] == [(1, "hanging")]
    [completed] = finished
    assert isinstance(completed, CoachReplyCompleted)
    assert (completed.reply_id, completed.text) == (claim.reply_id, "Warm up well.")
    renewed = await renewals(coach, session)
    assert {(r.reply_id, r.attempt) for r in renewed} == {(claim.reply_id, 1)}
    leases = [claim.lease_until, *(r.lease_until for r in renewed)]
    assert leases == sorted(leases)
    moments = [claim.at, *(r.at for r in renewed)]
    third = timedelta(seconds=policy.lease_seconds / RENEWALS_PER_LEASE)
    assert all(later - earlier >= third for earlier, later in itertools.pairwise(moments))


async def test_ending_the_session_mid_reply_stops_the_worker_and_fails_the_reply(coach: Coach) -> None:
    user = await coach.user()
    session = await coach.session(user)
    message, _ = await coach.send(session, "how should I warm up?")
    model = GatedModel()
    generator = coach.generator(links=(model,), policy=ReplyPolicy(lease_seconds=1.5))
    start = await coach.feed.head(session)
    streaming = asyncio.create_task(generator.attend(session))
    await asyncio.wait_for(model.asked.wait(), 10)
    end = EndCoachingSession(session_id=session, at=datetime.now(UTC))
    await coach.handler.handle(end, CommandMetadata(uuid.uuid4(), uuid.uuid4(), user_id=user))
    assert await asyncio.wait_for(streaming, 10) is ReplyOutcome.CLAIMED_ELSEWHERE
    entries = await feed_entries(coach.feed, session, start, until=ChatEntryKind.FAILED)
    assert model.cancelled, "the generation was stopped at the next renewal"
    assert entries[-1].text == SESSION_ENDED
    started, finished = await replies(coach, session)
    [failed] = finished
    assert isinstance(failed, CoachReplyFailed)
    assert (failed.reply_id, failed.message_id, failed.cause) == (
        started[0].reply_id,
        message,
        SESSION_ENDED,
    )
    events = await coach.events(session)
    assert not any(isinstance(e, CoachReplyCompleted) for e in events)
    assert await coach.generator().attend(session) is ReplyOutcome.NOTHING_WAITING
