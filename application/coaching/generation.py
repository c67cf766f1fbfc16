"""Generating the reply to a session's oldest waiting message, as the coach worker runs it.

1. Claim it: `ClaimReply` through the command path at the version the session was read at. Losing the
   race (another worker claimed it, or answered it) is normal: nothing else happens. The reply's id is the
   message's (given when it was sent); this claim is told apart from earlier ones by its attempt, and from
   another worker's claim of the same attempt by the worker's own part of the command id.
2. Write `started` into the session's `ChatFeed`; build the context (`application.coaching.context`),
   which starts as the claim is sent: it only reads, and appends wait their turn to commit.
   While the reply is generated, the claim is renewed every third of the lease
   (`application.coaching.lease`); a renewal that finds the claim gone (the session ended, or a takeover
   after this worker stalled) stops the generation. Steps 1 and 2 run for a few replies at a time
   (`application.coaching.admission`); each gives its turn back once its context is built.
3. The safety check of the message: an action that stops the model is answered with our own reply.
4. The daily token budget: past it the offline coach answers, with a note saying so.
5. The response cache, else the fallback chain, streaming numbered deltas (a `reset` when a model fails
   midway and the next one starts again). A chain slower than `ReplyPolicy.model_seconds` is cut off and
   the offline coach answers (after a `reset`).
6. The safety check of the reply's text (`assess_reply`): dosing, a dangerous cut or anything else that
   stops the model replaces the text with our own safety reply (after a `reset`), without suggestions.
7. The checks after the model drop what may not be suggested; `CompleteReply` records every trigger;
   `completed` is published with the position to wait for in the read model.
If every model fails: `FailReply`, and `failed` is published. If anything else goes wrong, the claim is
left to expire: the sweep claims the message again, up to `MAX_ATTEMPTS`, then marks it failed.

Neither the user's words nor the reply's are logged.
"""

from __future__ import annotations

import asyncio
import enum
import logging
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime, timedelta
from typing import NamedTuple
from uuid import UUID, uuid4, uuid5

from application.cache import Cache, CacheKey
from application.coaching.admission import STARTING_AT_ONCE, StartingReplies, StartingTurn
from application.coaching.chat_feed import ChatFeed
from application.coaching.context import CoachContextBuilder, PreparedReply
from application.coaching.conversation import Conversation, read_conversation
from application.coaching.fallback import FallbackCoachModel
from application.coaching.lease import ClaimLost, renewing
from application.coaching.metrics import CoachMetrics
from application.coaching.model import CoachAnswer, CoachModel, CoachModelError
from application.coaching.proposals import checked_suggestions
from application.coaching.reply_publisher import ReplyPublisher
from application.coaching.response_cache import CoachResponseCache, response_key
from application.coaching.views import CoachingReadModel
from application.handler import CommandHandler, CommandMetadata
from application.library_views import LibraryReadModel
from application.privacy.opened_store import OpenedEventStore
from domain.coaching import MAX_ATTEMPTS, CoachingSession
from domain.coaching.commands import (
    ClaimReply,
    CoachingCommand,
    CompleteReply,
    FailReply,
    RenewReplyLease,
)
from domain.coaching.decision import RENEWALS_PER_LEASE, SESSION_ENDED
from domain.coaching.errors import (
    CoachingSessionEnded,
    ReplyAlreadyClaimed,
    ReplyAttemptsExhausted,
    ReplyLeaseExpired,
    ReplyNotClaimed,
    ReplyNotNeeded,
)
from domain.coaching.events import CoachingEvent, CoachReplyStarted
from domain.coaching.safety.checker import assess_message
from domain.coaching.safety.replies import safety_reply
from domain.coaching.safety.reply_check import assess_reply
from domain.coaching.validation import MAX_REPLY, MAX_TRIGGERS
from domain.coaching.values import Personality, ReplyUsage, SafetyTrigger
from domain.errors import ConcurrencyConflict

log = logging.getLogger("fitcoach.coach")

CoachingHandler = CommandHandler[CoachingCommand, CoachingSession, CoachingEvent]
SAFETY_PROVIDER = "safety"
SAFETY_MODEL = "fitcoach-safety-1"
ATTEMPTS_EXHAUSTED = "attempts_exhausted"
PROVIDER_ERROR = "provider_error"
BUDGET_NOTE = "You have used today's coaching budget, so the offline coach answers until tomorrow (UTC).\n\n"
EMPTY_ANSWER = "I have nothing to add to that; could you tell me a bit more about what you need?"
_LOST_RACE = (
    ConcurrencyConflict,
    ReplyAlreadyClaimed,
    ReplyNotNeeded,
    ReplyAttemptsExhausted,
    CoachingSessionEnded,
)


@dataclass(slots=True)
class Claim:
    """The claim this worker holds: which reply, which attempt of it."""

    reply_id: UUID
    attempt: int
    finishing: bool = False
    """Its outcome is being recorded: renewing it is no longer needed, and a refusal means nothing."""


class Answered(NamedTuple):
    answer: CoachAnswer
    cache_key: CacheKey | None = None
    """Where to keep the answer once it passed the safety check (a primary model's answers only)."""


class ReplyOutcome(enum.Enum):
    COMPLETED = "completed"
    FAILED = "failed"
    NOTHING_WAITING = "nothing_waiting"
    CLAIMED_ELSEWHERE = "claimed_elsewhere"
    """Another worker holds a live claim, won the race, or took the message over; or the session ended
    while this worker held the claim."""
    LEFT_TO_EXPIRE = "left_to_expire"
    """Something unexpected went wrong: the claim expires and the message is claimed again."""


@dataclass(frozen=True, slots=True)
class ReplyPolicy:
    lease_seconds: float = 120.0
    """A claim's lease, renewed every third of it while the reply is generated."""
    model_seconds: float = 120.0
    """How long the model chain may take; past it the offline coach answers."""
    daily_tokens: int = 200_000
    """Input plus output tokens a user may spend per UTC day before the offline coach answers."""


class ReplyGenerator:
    def __init__(
        self,
        *,
        store: OpenedEventStore,
        handler: CoachingHandler,
        context: CoachContextBuilder,
        model: FallbackCoachModel,
        offline: CoachModel,
        feed: ChatFeed,
        cache: Cache,
        usage: CoachingReadModel,
        library: LibraryReadModel,
        metrics: CoachMetrics,
        policy: ReplyPolicy,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
        new_id: Callable[[], UUID] = uuid4,
        starting_at_once: int = STARTING_AT_ONCE,
    ) -> None:
        self._store = store
        self._handler = handler
        self._context = context
        self._model = model
        self._offline = offline
        self._feed = feed
        self._responses = CoachResponseCache(cache, store.vault)
        self._usage = usage
        self._library = library
        self._metrics = metrics
        self._policy = policy
        self._clock = clock
        self._new_id = new_id
        self._starting = StartingReplies(starting_at_once)
        self._worker = uuid4()
        """This generator's own id, part of its commands' ids. Two workers claiming the same attempt of a
        reply would otherwise send the same command id, and the loser, finding the winner's claim under
        it, would take it for its own repeated command and generate the reply a second time."""

    async def attend(self, session_id: UUID) -> ReplyOutcome:
        """Answer the session's oldest waiting message if it is free to claim (or fail it once its
        attempts are used up)."""
        async with self._starting.turn() as starting:
            return await self._attend(session_id, starting)

    async def _attend(self, session_id: UUID, starting: StartingTurn) -> ReplyOutcome:
        conversation = await read_conversation(self._store, session_id)
        if conversation is None or conversation.message_id is None:
            return ReplyOutcome.NOTHING_WAITING
        state, now = conversation.state, self._clock()
        claim = state.claim
        if claim is not None and claim.lease_until > now:
            return ReplyOutcome.CLAIMED_ELSEWHERE
        waiting = state.waiting[0]
        if waiting.attempts >= MAX_ATTEMPTS and claim is not None:
            return await self._exhausted(conversation, Claim(claim.reply_id, claim.attempt))
        command = ClaimReply(
            session_id=session_id,
            message_id=conversation.message_id,
            provider=self._model.provider,
            model=self._model.model,
            lease_until=now + timedelta(seconds=self._policy.lease_seconds),
            at=now,
        )
        # The context is built while the claim commits (appends wait their turn for the log's commit
        # order, and the context only reads): the user's first token waits for the longer of the two.
        preparing = asyncio.create_task(self._context.prepare(conversation), name="coach context")
        try:
            result = await self._handler.handle(
                command,
                self._metadata(conversation, waiting.reply_id, f"claim-{waiting.attempts + 1}"),
                expected_version=conversation.version,
            )
        except _LOST_RACE:
            await _discard(preparing)
            return ReplyOutcome.CLAIMED_ELSEWHERE
        except BaseException:
            await _discard(preparing)
            raise
        [started] = [event for event in result.events if isinstance(event, CoachReplyStarted)]
        held = Claim(started.reply_id, started.attempt)
        publisher = ReplyPublisher(self._feed, session_id, held.reply_id, conversation.message_id)
        try:
            await publisher.started(self._model.provider)
        except BaseException:
            await _discard(preparing)
            raise
        try:
            return await renewing(
                self._generate(conversation, held, publisher, preparing, starting),
                lambda: self._renew(conversation, held),
                every=self._policy.lease_seconds / RENEWALS_PER_LEASE,
            )
        except ClaimLost:
            return await self._lost(conversation, held, publisher)
        except Exception:
            log.exception("reply %s of session %s: left for its lease to expire", held.reply_id, session_id)
            await publisher.reset("")  # what was streamed is void; the message is claimed again later
            return ReplyOutcome.LEFT_TO_EXPIRE

    async def _renew(self, conversation: Conversation, held: Claim) -> bool:
        """Renew the claim; False when it is no longer this worker's."""
        if held.finishing:
            return True
        now = self._clock()
        command = RenewReplyLease(
            session_id=conversation.state.session_id,
            reply_id=held.reply_id,
            attempt=held.attempt,
            lease_until=now + timedelta(seconds=self._policy.lease_seconds),
            at=now,
        )
        step = f"renew-{held.attempt}-{now.isoformat()}"
        try:
            await self._handler.handle(command, self._metadata(conversation, held.reply_id, step))
        except (ReplyNotClaimed, ReplyLeaseExpired) as refused:
            if held.finishing:
                return True  # refused as this worker's own outcome landed first
            log.warning("reply %s: the renewal of its claim was refused (%s)", held.reply_id, refused.code)
            return False
        except Exception:
            log.warning(
                "reply %s: the claim could not be renewed; trying again", held.reply_id, exc_info=True
            )
        return True

    async def _lost(self, conversation: Conversation, held: Claim, publisher: ReplyPublisher) -> ReplyOutcome:
        """The claim was lost mid-reply. When the session ended, the reply failed with it: say so."""
        log.warning("reply %s: its claim was lost before it completed", held.reply_id)
        now = await read_conversation(self._store, conversation.state.session_id)
        if now is not None and now.state.ended:
            await publisher.failed(SESSION_ENDED)
        return ReplyOutcome.CLAIMED_ELSEWHERE

    async def _generate(
        self,
        conversation: Conversation,
        held: Claim,
        publisher: ReplyPublisher,
        preparing: asyncio.Task[PreparedReply],
        starting: StartingTurn,
    ) -> ReplyOutcome:
        started = time.perf_counter()
        prepared = await preparing  # cancelled with this generation (a lost claim)
        starting.done()  # what is left is the model's stream, and what follows it
        prompt = prepared.prompt
        assessment = assess_message(conversation.message)
        triggers = (*assessment.triggers, *prepared.triggers)
        if assessment.stops_the_model:
            text = safety_reply(assessment.triggers, prompt.personality) or EMPTY_ANSWER
            await publisher.whole(text)
            answer = CoachAnswer(
                text=text,
                changes=(),
                confidence=1.0,
                usage=ReplyUsage(provider=SAFETY_PROVIDER, model=SAFETY_MODEL),
            )
            return await self._complete(conversation, held, publisher, prepared, answer, triggers, started)
        try:
            answered = await self._answer(conversation, prepared, publisher)
        except CoachModelError as error:
            log.warning("reply %s: every model failed (%s)", held.reply_id, error.failure.value)
            return await self._fail(conversation, held, publisher, PROVIDER_ERROR)
        answer, output = _checked(answered.answer, prompt.personality)
        if output:
            log.warning("reply %s: the model's text was replaced by our safety reply", held.reply_id)
            await publisher.reset(SAFETY_PROVIDER)
            await publisher.whole(answer.text)
        elif answered.cache_key is not None:
            await self._responses.put(answered.cache_key, prepared.user_id, answer)
        return await self._complete(
            conversation, held, publisher, prepared, answer, (*triggers, *output), started
        )

    async def _answer(
        self, conversation: Conversation, prepared: PreparedReply, publisher: ReplyPublisher
    ) -> Answered:
        prompt = prepared.prompt
        if await self._over_budget(prepared.user_id):
            await publisher.delta(BUDGET_NOTE)
            started = time.perf_counter()
            answer = await self._offline.answer(prompt, publisher.delta)
            self._metrics.model_request(
                model=self._offline.model,
                personality=prompt.personality.value,
                status="ok",
                seconds=time.perf_counter() - started,
            )
            return Answered(replace(answer, text=BUDGET_NOTE + answer.text))
        key = response_key(
            prepared.user_id, conversation.message, prompt.personality, prepared.context_version
        )
        cached = await self._responses.get(key)
        if cached is not None:
            await publisher.whole(cached.text)
            return Answered(cached)
        try:
            async with asyncio.timeout(self._policy.model_seconds):
                answer = await self._model.answer(prompt, publisher.delta, on_reset=publisher.reset)
        except TimeoutError:
            # The user has waited long enough: the offline coach answers now instead.
            self._metrics.fallback(provider=self._model.provider)
            await publisher.reset(self._offline.provider)
            return Answered(await self._offline.answer(prompt, publisher.delta))
        if answer.usage.provider == self._model.links[-1].provider:
            return Answered(answer)  # a fallback's answer is not kept past the outage
        return Answered(answer, cache_key=key)

    async def _over_budget(self, user_id: UUID) -> bool:
        usage = await self._usage.usage(user_id, self._clock().astimezone(UTC).date())
        return usage.input_tokens + usage.output_tokens >= self._policy.daily_tokens

    async def _complete(
        self,
        conversation: Conversation,
        held: Claim,
        publisher: ReplyPublisher,
        prepared: PreparedReply,
        answer: CoachAnswer,
        before: tuple[SafetyTrigger, ...],
        started: float,
    ) -> ReplyOutcome:
        checked = await checked_suggestions(answer, prepared.prompt.facts, self._library, self._new_id)
        triggers = (*before, *checked.triggers)[:MAX_TRIGGERS]
        usage = replace(answer.usage, latency_ms=round((time.perf_counter() - started) * 1000))
        command = CompleteReply(
            session_id=conversation.state.session_id,
            reply_id=held.reply_id,
            attempt=held.attempt,
            text=(answer.text.strip() or EMPTY_ANSWER)[:MAX_REPLY],
            suggestions=checked.suggestions,
            triggers=triggers,
            confidence=min(max(answer.confidence, 0.0), 1.0),
            usage=usage,
            at=self._clock(),
        )
        step = f"complete-{held.attempt}"
        held.finishing = True
        try:
            result = await self._handler.handle(command, self._metadata(conversation, held.reply_id, step))
        except ReplyNotClaimed:
            raise ClaimLost from None
        for trigger in triggers:
            self._metrics.safety_trigger(trigger)
        await publisher.completed(usage.provider, result.position)
        return ReplyOutcome.COMPLETED

    async def _fail(
        self, conversation: Conversation, held: Claim, publisher: ReplyPublisher, cause: str
    ) -> ReplyOutcome:
        command = FailReply(
            session_id=conversation.state.session_id,
            reply_id=held.reply_id,
            attempt=held.attempt,
            cause=cause,
            at=self._clock(),
        )
        step = f"fail-{held.attempt}"
        held.finishing = True
        try:
            await self._handler.handle(command, self._metadata(conversation, held.reply_id, step))
        except ReplyNotClaimed:
            raise ClaimLost from None
        await publisher.failed(cause)
        return ReplyOutcome.FAILED

    async def _exhausted(self, conversation: Conversation, held: Claim) -> ReplyOutcome:
        assert conversation.message_id is not None
        publisher = ReplyPublisher(
            self._feed, conversation.state.session_id, held.reply_id, conversation.message_id
        )
        try:
            return await self._fail(conversation, held, publisher, ATTEMPTS_EXHAUSTED)
        except ClaimLost:
            return ReplyOutcome.CLAIMED_ELSEWHERE

    def _metadata(self, conversation: Conversation, reply_id: UUID, step: str) -> CommandMetadata:
        cause = conversation.cause
        return CommandMetadata(
            command_id=uuid5(reply_id, f"{step}@{self._worker}"),
            correlation_id=cause.metadata.correlation_id if cause is not None else reply_id,
            causation_id=cause.event_id if cause is not None else None,
            user_id=conversation.state.user_id,
        )


async def _discard(task: asyncio.Task[PreparedReply]) -> None:
    """Stop a context build whose result is no longer wanted, and take whatever it raised."""
    task.cancel()
    await asyncio.gather(task, return_exceptions=True)


def _checked(answer: CoachAnswer, personality: Personality) -> tuple[CoachAnswer, tuple[SafetyTrigger, ...]]:
    """The answer as it may be shown, and what the safety check of its text found. Text that must not be
    shown is replaced by our safety reply, without suggestions; the tokens spent on it still count."""
    triggers = assess_reply(answer.text).triggers
    text = safety_reply(triggers, personality) if triggers else None
    if text is None:
        return answer, ()
    usage = replace(answer.usage, provider=SAFETY_PROVIDER, model=SAFETY_MODEL)
    return CoachAnswer(text=text, changes=(), confidence=1.0, usage=usage), triggers
