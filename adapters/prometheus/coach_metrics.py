"""`PrometheusCoachMetrics`: the `CoachMetrics` port as Prometheus metrics, served on `/metrics`.

- `ai_request_duration_seconds{model,personality,status}`: one model call of the fallback chain.
- `ai_safety_triggers_total{category,action,direction}`: every trigger a reply records.
- `ai_tokens_total{provider,direction}`: tokens read (`in`) and written (`out`).
- `ai_fallbacks_total{provider}`: the provider failed (or its circuit was open) and the next was asked.

Module-level metric objects are prometheus-client's idiom; they only hold numbers.
"""

from __future__ import annotations

from prometheus_client import Counter, Histogram

from domain.coaching.values import SafetyTrigger

AI_REQUEST_DURATION = Histogram(
    "ai_request_duration_seconds",
    "Time of one call of a coach model (Claude, the offline coach), by outcome.",
    ["model", "personality", "status"],
    buckets=(0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60),
)
AI_SAFETY_TRIGGERS = Counter(
    "ai_safety_triggers",
    "Safety triggers recorded on coach replies, before (input) and after (output) the model.",
    ["category", "action", "direction"],
)
AI_TOKENS = Counter(
    "ai_tokens", "Tokens of coach model calls, read (in) and written (out).", ["provider", "direction"]
)
AI_FALLBACKS = Counter(
    "ai_fallbacks", "Coach model calls handed to the next provider of the chain.", ["provider"]
)


class PrometheusCoachMetrics:
    def model_request(self, *, model: str, personality: str, status: str, seconds: float) -> None:
        AI_REQUEST_DURATION.labels(model, personality, status).observe(seconds)

    def tokens(self, *, provider: str, input_tokens: int, output_tokens: int) -> None:
        AI_TOKENS.labels(provider, "in").inc(input_tokens)
        AI_TOKENS.labels(provider, "out").inc(output_tokens)

    def fallback(self, *, provider: str) -> None:
        AI_FALLBACKS.labels(provider).inc()

    def safety_trigger(self, trigger: SafetyTrigger) -> None:
        AI_SAFETY_TRIGGERS.labels(trigger.category.value, trigger.action.value, trigger.direction.value).inc()
