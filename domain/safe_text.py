"""Which characters user-visible text may hold: one rule for every text a user writes and others read (plan
names and descriptions, exercise names, notes and alternatives, display names, profile lists, preferences).

Refused:
- control characters: C0 but tab, newline and carriage return; DEL; and C1 (U+0080-U+009F), which some
  terminals and renderers obey (U+009B starts an escape sequence, U+0085 breaks a line);
- bidirectional embeddings, overrides and isolates (U+202A-U+202E, U+2066-U+2069): they reorder how the
  text after them is shown, so "Leg day U+202E gnp.exe" reads as "Leg day exe.png" ("Trojan Source");
- noncharacters (U+FDD0-U+FDEF and the last two code points of each of the 17 planes), which Unicode
  reserves for a program's internal use and which must not be interchanged;
- lone surrogates, which no UTF-8 store can hold.

Allowed: the implicit direction marks U+200E, U+200F and U+061C. Right-to-left writers need them (keyboards
insert them) to place digits and punctuation beside right-to-left words, and a mark only decides the
direction of the neutral characters next to it: it cannot reverse a run of text as an override does.
Everything else, unassigned code points included, is allowed: this rule refuses what is harmful to show,
and leaves new scripts and emoji to future Unicode versions.
"""

from __future__ import annotations

import re
import unicodedata

_PLANES = range(17)
_CONTROLS = "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f"
_BIDI_OVERRIDES = "\u202a-\u202e\u2066-\u2069"
_NONCHARACTERS = "\ufdd0-\ufdef" + "".join(
    f"{chr(plane * 0x10000 + 0xFFFE)}{chr(plane * 0x10000 + 0xFFFF)}" for plane in _PLANES
)
_SURROGATES = "\ud800-\udfff"
_REFUSED = re.compile(f"[{_CONTROLS}{_BIDI_OVERRIDES}{_NONCHARACTERS}{_SURROGATES}]")

DISALLOWED_CHARACTER = "DISALLOWED_CHARACTER"
"""The stable code of the refusal, for clients to tell it from other validation errors."""


def first_refused(value: str) -> str | None:
    """The first character of `value` that user-visible text may not hold, or None."""
    found = _REFUSED.search(value)
    return found.group() if found else None


def describe(character: str) -> str:
    """E.g. `U+202E RIGHT-TO-LEFT OVERRIDE`, `U+0085 (a control character)`."""
    code = f"U+{ord(character):04X}"
    name = unicodedata.name(character, "")
    if name:
        return f"{code} {name}"
    category = unicodedata.category(character)
    kind = {"Cc": "a control character", "Cs": "a lone surrogate"}.get(category, "a noncharacter")
    return f"{code} ({kind})"
