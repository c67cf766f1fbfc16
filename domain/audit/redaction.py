"""The stored data of an event as an auditor may see it: secrets masked, everything else as stored.

Only secrets are masked (what would let someone sign in as the user); personal data stays, as auditors
and admins may read it through the API too. Data holding no secret is returned as it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from domain.users.events import ExternalIdentityLinked, PasswordChanged, UserRegistered

REDACTED = "[redacted]"
SECRET_FIELDS: Mapping[str, frozenset[str]] = {
    UserRegistered.type: frozenset({"password_hash"}),
    PasswordChanged.type: frozenset({"password_hash"}),
    ExternalIdentityLinked.type: frozenset({"subject"}),
}
"""Event type -> the top-level fields of its data that hold a secret."""


def redacted(event_type: str, data: Mapping[str, Any]) -> Mapping[str, Any]:
    """`data` with each secret that is set replaced by `REDACTED` (an unset one, None, stays None)."""
    secrets = SECRET_FIELDS.get(event_type)
    if not secrets:
        return data
    return {key: REDACTED if key in secrets and value is not None else value for key, value in data.items()}
