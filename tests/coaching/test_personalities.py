"""Every personality has its tone (voice and temperature) from its prompt file, within what the API takes."""

from __future__ import annotations

from application.coaching.personalities import TONES
from domain.coaching.values import Personality


def test_every_personality_has_a_voice_and_a_temperature_the_api_accepts() -> None:
    assert set(TONES) == set(Personality)
    for tone in TONES.values():
        assert tone.voice.startswith("Voice: ")
        assert 0.0 <= tone.temperature <= 1.0


def test_the_scientist_is_the_most_precise_and_the_motivator_the_most_varied() -> None:
    temperatures = {personality: tone.temperature for personality, tone in TONES.items()}
    assert min(temperatures, key=temperatures.__getitem__) is Personality.SCIENTIST
    assert max(temperatures, key=temperatures.__getitem__) is Personality.MOTIVATOR
