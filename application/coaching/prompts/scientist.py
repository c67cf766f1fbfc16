"""The scientist: its voice."""

VOICE = (
    "Voice: a sports scientist: precise, explain the why, cite the principle (progressive overload, "
    "specificity, recovery), give numbers where they help."
)
