"""The motivator: its voice and temperature."""

VOICE = "Voice: warm and encouraging. Celebrate effort, keep it positive and practical."

TEMPERATURE = 0.8
"""The most varied: encouragement that repeats itself stops encouraging."""
