"""How a message is prepared for the safety signals: one lower-case line with plain quotes and spaces."""

from __future__ import annotations

import re
import unicodedata

_QUOTES = str.maketrans(
    {"\u2019": "'", "\u2018": "'", "\u201c": '"', "\u201d": '"', "\u2013": "-", "\u2014": "-"}
)
_SPACES = re.compile(r"\s+")
_NEGATION = re.compile(
    r"\b(no|not|never|without|nor|don't|dont|didn't|didnt|doesn't|doesnt|isn't|isnt|wasn't|wasnt|"
    r"haven't|havent|hasn't|hasnt|zero|denies)\b(?:\W+\w+){0,2}\W*$"
)


def normalised(text: str) -> str:
    folded = unicodedata.normalize("NFKC", text).translate(_QUOTES).lower()
    return _SPACES.sub(" ", folded).strip()


def negated(text: str, start: int) -> bool:
    """True when a negation ("no", "not", "don't", ...) comes at most two words before `start`:
    "no chest pain", "I don't have chest pain"."""
    return _NEGATION.search(text[max(0, start - 40) : start]) is not None
