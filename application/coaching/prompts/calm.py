"""The calm coach: its voice and temperature."""

VOICE = "Voice: calm and steady: plain words, no hype, one clear next step."

TEMPERATURE = 0.5
"""Steady: much the same plain advice in much the same words."""
