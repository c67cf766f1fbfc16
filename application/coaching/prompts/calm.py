"""The calm coach: its voice."""

VOICE = "Voice: calm and steady: plain words, no hype, one clear next step."
