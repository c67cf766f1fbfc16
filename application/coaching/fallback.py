"""`FallbackCoachModel`: the `CoachModel` port over a chain of models (e.g. Claude, a second Claude model,
the offline coach last), each behind its own circuit breaker.

A model that fails (`CoachModelError`), or whose circuit is open, hands the question to the next one.
When the failed one had already streamed text, `on_reset` is called first: that text is void and the next
model starts again. The last link is always asked, whatever its breaker says, so the chain answers as long
as its last model does (the offline coach always does). The answer's `usage.provider` names who answered.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable, Sequence

from application.coaching.circuit_breaker import CircuitBreaker
from application.coaching.metrics import CoachMetrics
from application.coaching.model import (
    CoachAnswer,
    CoachModel,
    CoachModelError,
    CoachModelFailure,
    CoachPrompt,
    TextSink,
)

ResetSink = Callable[[str], Awaitable[None]]
"""Told the provider that starts again after a failure midway."""
CIRCUIT_OPEN = "circuit_open"


class FallbackCoachModel:
    def __init__(
        self,
        links: Sequence[CoachModel],
        metrics: CoachMetrics,
        *,
        failures: int = 3,
        cool_down_seconds: float = 30.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not links:
            raise ValueError("a fallback chain needs at least one model")
        self._links = tuple(links)
        self._metrics = metrics
        self._breakers = tuple(
            CircuitBreaker(failures=failures, cool_down_seconds=cool_down_seconds, clock=clock) for _ in links
        )

    @property
    def provider(self) -> str:
        return self._links[0].provider

    @property
    def model(self) -> str:
        return self._links[0].model

    @property
    def links(self) -> tuple[CoachModel, ...]:
        return self._links

    def circuit_open(self, provider: str) -> bool:
        return any(
            link.provider == provider and breaker.is_open
            for link, breaker in zip(self._links, self._breakers, strict=True)
        )

    async def answer(
        self, prompt: CoachPrompt, on_text: TextSink, *, on_reset: ResetSink | None = None
    ) -> CoachAnswer:
        streamed = False

        async def sink(text: str) -> None:
            nonlocal streamed
            streamed = True
            await on_text(text)

        failure: CoachModelError | None = None
        personality = prompt.personality.value
        for index, (link, breaker) in enumerate(zip(self._links, self._breakers, strict=True)):
            last = index == len(self._links) - 1
            if not last and not breaker.allows():
                self._metrics.model_request(
                    model=link.model, personality=personality, status=CIRCUIT_OPEN, seconds=0.0
                )
                self._metrics.fallback(provider=link.provider)
                continue
            if streamed:
                streamed = False
                if on_reset is not None:
                    await on_reset(link.provider)
            started = time.perf_counter()
            try:
                answer = await link.answer(prompt, sink)
            except CoachModelError as error:
                breaker.failed()
                self._metrics.model_request(
                    model=link.model,
                    personality=personality,
                    status=error.failure.value,
                    seconds=time.perf_counter() - started,
                )
                failure = error
                if not last:
                    self._metrics.fallback(provider=link.provider)
                continue
            breaker.succeeded()
            self._metrics.model_request(
                model=link.model, personality=personality, status="ok", seconds=time.perf_counter() - started
            )
            self._metrics.tokens(
                provider=answer.usage.provider,
                input_tokens=answer.usage.input_tokens,
                output_tokens=answer.usage.output_tokens,
            )
            return answer
        raise failure or CoachModelError(CoachModelFailure.CONNECTION, "no model of the chain answered")
