"""The mark of a sealed personal field (`domain.privacy`): an envelope no plain field value looks like.

Kept apart so the generic event codec can refuse to read a field that was never opened, rather than take
an envelope for a name or an email.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

SEALED = "$sealed"


def is_sealed(value: Any) -> bool:
    return isinstance(value, dict) and SEALED in value


def any_sealed(data: Mapping[str, Any]) -> bool:
    return any(is_sealed(value) for value in data.values())
