"""The fallback chain the settings give: the offline coach alone without a key (also from
`ANTHROPIC_API_KEY`), Claude first with one, and a second Claude model between them when set."""

from __future__ import annotations

import pytest

from application.coaching.metrics import NoCoachMetrics
from fitcoach.settings import Settings
from fitcoach.wiring.coach import Closer, coach_models_from


def chain_of(settings: Settings) -> list[tuple[str, str]]:
    closers: list[Closer] = []
    chain, offline = coach_models_from(settings, NoCoachMetrics(), closers)
    assert chain.links[-1] is offline
    assert len(closers) == len(chain.links) - 1  # each Claude client is closed with the process
    return [(link.provider, link.model) for link in chain.links]


def test_without_a_key_the_offline_coach_answers_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("ANTHROPIC_API_KEY", raising=False)
    monkeypatch.delenv("FITCOACH_ANTHROPIC_API_KEY", raising=False)
    assert chain_of(Settings()) == [("offline", "fitcoach-offline-1")]


def test_anthropics_own_variable_is_the_fallback_for_the_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("FITCOACH_ANTHROPIC_API_KEY", raising=False)
    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-from-anthropic-variable")
    settings = Settings(anthropic_model="claude-a")
    assert settings.anthropic_api_key is not None
    assert "sk-from" not in repr(settings)
    assert chain_of(settings) == [("anthropic", "claude-a"), ("offline", "fitcoach-offline-1")]


def test_a_second_model_sits_between_claude_and_the_offline_coach(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FITCOACH_ANTHROPIC_API_KEY", "sk-test")
    settings = Settings(anthropic_model="claude-a", anthropic_fallback_model="claude-b")
    assert chain_of(settings) == [
        ("anthropic", "claude-a"),
        ("anthropic", "claude-b"),
        ("offline", "fitcoach-offline-1"),
    ]
