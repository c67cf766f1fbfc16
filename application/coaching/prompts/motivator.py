"""The motivator: its voice."""

VOICE = "Voice: warm and encouraging. Celebrate effort, keep it positive and practical."
