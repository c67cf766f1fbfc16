"""`AnthropicCoachModel`: the `CoachModel` port over Claude's streaming Messages API.

- The standing instructions and the user's context go in the system prompt, both marked for prompt
  caching (the conversation changes every turn; they rarely do).
- Plan changes come through tool use (`tools.TOOL`), validated by pydantic.
- Retries are ours, not the SDK's (its client is built with `max_retries=0`): only before any text has
  been streamed, at most `max_attempts` in all, on 429, 529 and 5xx and connection errors, waiting what
  `retry-after` says when it says it, else an exponential backoff; a wait longer than `max_wait_seconds`
  is not waited for: the caller's fallback answers instead of keeping the user waiting.
- A stream that ends before `message_stop`, or breaks midway, raises `STREAM_CUT`: never a half reply.
- The reply is read from the raw stream events (`reply_stream.ReplyStream`), not through the SDK's
  snapshot-building `messages.stream()` helper.
- The personality's temperature is sent through `extra_body`: the SDK (1.0 on) dropped the sampling
  parameters from its signatures because current models take none, while the models before them (the
  default `claude-sonnet-4-6` among them) still honour one. A model that rejects it answers 400; the
  request is then sent again without it, and if that is accepted this adapter sends none from then on.
- The SDK's client runs on its aiohttp transport (`anthropic[aiohttp]`), not its default httpx one: every
  streamed token is one HTTP chunk read, and aiohttp's C parser reads one for about half the CPU
  (`bench/coach.py`, issue 12).
"""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

import anthropic
import httpx2

from adapters.anthropic.reply_stream import ReplyStream
from adapters.anthropic.tools import TOOL, TOOL_NAME, read_proposal
from application.coaching.model import (
    CoachAnswer,
    CoachModelError,
    CoachModelFailure,
    CoachPrompt,
    ProposedChange,
    Speaker,
    TextSink,
)
from domain.coaching.values import ReplyUsage

DEFAULT_CONFIDENCE = 0.5
"""When the model does not say how sure it is."""

log = logging.getLogger("adapters.anthropic.coach_model")


class AnthropicCoachModel:
    def __init__(
        self,
        client: anthropic.AsyncAnthropic,
        model: str,
        *,
        max_attempts: int = 3,
        backoff_seconds: float = 0.5,
        max_wait_seconds: float = 10.0,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self._client = client
        self._model = model
        self._max_attempts = max_attempts
        self._backoff_seconds = backoff_seconds
        self._max_wait_seconds = max_wait_seconds
        self._sleep = sleep
        self._takes_temperature = True

    @classmethod
    def connect(
        cls, api_key: str, model: str, *, base_url: str | None = None, timeout_seconds: float = 30.0
    ) -> AnthropicCoachModel:
        return cls(anthropic_client(api_key, base_url=base_url, timeout_seconds=timeout_seconds), model)

    @property
    def provider(self) -> str:
        return "anthropic"

    @property
    def model(self) -> str:
        return self._model

    async def close(self) -> None:
        await self._client.close()

    async def answer(self, prompt: CoachPrompt, on_text: TextSink) -> CoachAnswer:
        for attempt in range(1, self._max_attempts + 1):
            streamed = False

            async def sink(text: str) -> None:
                nonlocal streamed
                streamed = True
                await on_text(text)

            try:
                return await self._stream_tempered(prompt, sink)
            except anthropic.APIStatusError as error:
                failure = _failure_of_status(error.status_code)
                if streamed or failure is CoachModelFailure.REFUSED or attempt == self._max_attempts:
                    raise CoachModelError(failure, f"HTTP {error.status_code}") from error
                await self._wait(attempt, error.response.headers, failure)
            except anthropic.APITimeoutError as error:
                raise CoachModelError(CoachModelFailure.TIMEOUT) from error
            except anthropic.APIConnectionError as error:
                if streamed:
                    raise CoachModelError(CoachModelFailure.STREAM_CUT, "connection lost") from error
                if attempt == self._max_attempts:
                    raise CoachModelError(CoachModelFailure.CONNECTION) from error
                await self._wait(attempt, None, CoachModelFailure.CONNECTION)
        raise AssertionError("unreachable: the last attempt returns or raises")

    async def _wait(self, attempt: int, headers: Any, failure: CoachModelFailure) -> None:
        wait = _retry_after(headers)
        if wait is None:
            wait = self._backoff_seconds * 2 ** (attempt - 1)
        if wait > self._max_wait_seconds:
            raise CoachModelError(failure, f"asked to wait {wait:g} s")
        await self._sleep(wait)

    async def _stream_tempered(self, prompt: CoachPrompt, on_text: TextSink) -> CoachAnswer:
        if not self._takes_temperature:
            return await self._stream(prompt, on_text, None)
        try:
            return await self._stream(prompt, on_text, {"temperature": prompt.temperature})
        except anthropic.BadRequestError:
            # No stable error code names a refused sampling parameter (and the message's wording may
            # change): the same request without one tells. A 400 again is the request's own fault.
            answer = await self._stream(prompt, on_text, None)
        self._takes_temperature = False
        log.warning("Claude model %s takes no temperature: the personalities' are not sent", self._model)
        return answer

    async def _stream(
        self, prompt: CoachPrompt, on_text: TextSink, sampling: dict[str, float] | None
    ) -> CoachAnswer:
        started = time.perf_counter()
        reply = ReplyStream()
        stream = await self._client.messages.create(
            model=self._model,
            max_tokens=prompt.max_output_tokens,
            system=[
                {"type": "text", "text": prompt.instructions, "cache_control": {"type": "ephemeral"}},
                {"type": "text", "text": prompt.context, "cache_control": {"type": "ephemeral"}},
            ],
            messages=_messages(prompt),
            tools=[TOOL],  # type: ignore[list-item]
            extra_body=sampling,
            stream=True,
        )
        if not isinstance(stream, anthropic.AsyncStream):  # the overloads cannot tell with `tools` as it is
            raise TypeError("asked for a stream, the SDK answered a whole message")
        async with stream:
            async for event in stream:
                text = reply.take(event)
                if text:
                    await on_text(text)
        if not reply.stopped or reply.stop_reason is None:
            raise CoachModelError(CoachModelFailure.STREAM_CUT, "the stream ended before message_stop")
        changes: tuple[ProposedChange, ...] = ()
        confidence = DEFAULT_CONFIDENCE
        notes: list[str] = []
        for call in reply.tool_calls.values():
            if call.name == TOOL_NAME:
                proposal = read_proposal(call.input)
                if proposal is None:
                    notes.append("the model's plan changes did not fit their schema and were set aside")
                else:
                    changes, confidence = proposal
        return CoachAnswer(
            text=reply.text.strip(),
            changes=changes,
            confidence=confidence,
            usage=ReplyUsage(
                provider=self.provider,
                model=reply.model or self._model,
                input_tokens=reply.all_input_tokens,
                output_tokens=reply.output_tokens,
                latency_ms=round((time.perf_counter() - started) * 1000),
            ),
            notes=tuple(notes),
        )


def anthropic_client(
    api_key: str, *, base_url: str | None = None, timeout_seconds: float = 30.0
) -> anthropic.AsyncAnthropic:
    """The SDK's client as this adapter uses it: no retries of its own, on the aiohttp transport."""
    timeout = httpx2.Timeout(timeout_seconds, connect=5.0)
    return anthropic.AsyncAnthropic(
        api_key=api_key,
        base_url=base_url,
        max_retries=0,
        timeout=timeout,
        http_client=anthropic.DefaultAioHttpClient(timeout=timeout),
    )


def _messages(prompt: CoachPrompt) -> list[Any]:
    turns = [*prompt.history]
    messages = [
        {"role": "user" if turn.speaker is Speaker.USER else "assistant", "content": turn.text}
        for turn in turns
    ]
    messages.append({"role": "user", "content": prompt.message})
    return messages


def _failure_of_status(status: int) -> CoachModelFailure:
    if status == 429:
        return CoachModelFailure.RATE_LIMITED
    if status == 529:
        return CoachModelFailure.OVERLOADED
    if status >= 500 or status == 408:
        return CoachModelFailure.SERVER_ERROR
    return CoachModelFailure.REFUSED


def _retry_after(headers: Any) -> float | None:
    """Seconds from `retry-after-ms` or `retry-after` (seconds); None when absent or unreadable."""
    if headers is None:
        return None
    for name, scale in (("retry-after-ms", 0.001), ("retry-after", 1.0)):
        value = headers.get(name)
        if value is None:
            continue
        try:
            seconds = float(value) * scale
        except ValueError:
            continue
        if seconds >= 0:
            return seconds
    return None
