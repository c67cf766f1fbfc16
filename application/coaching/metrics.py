"""The `CoachMetrics` port: what reply generation counts (the Prometheus adapter is
`adapters.prometheus.coach_metrics`). Label values come from fixed sets (providers, models we configure,
personalities, safety enums, outcome names), never from user data."""

from __future__ import annotations

from typing import Protocol

from domain.coaching.values import SafetyTrigger


class CoachMetrics(Protocol):
    def model_request(self, *, model: str, personality: str, status: str, seconds: float) -> None:
        """One call of one model of the chain: `status` ok, a `CoachModelFailure` value, or circuit_open."""
        ...

    def tokens(self, *, provider: str, input_tokens: int, output_tokens: int) -> None: ...

    def fallback(self, *, provider: str) -> None:
        """`provider` failed (or its circuit was open) and the next one of the chain was asked."""
        ...

    def safety_trigger(self, trigger: SafetyTrigger) -> None: ...


class NoCoachMetrics:
    """Counts nothing (tests that do not look at metrics)."""

    def model_request(self, *, model: str, personality: str, status: str, seconds: float) -> None:
        pass

    def tokens(self, *, provider: str, input_tokens: int, output_tokens: int) -> None:
        pass

    def fallback(self, *, provider: str) -> None:
        pass

    def safety_trigger(self, trigger: SafetyTrigger) -> None:
        pass
