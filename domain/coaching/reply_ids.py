"""The id of the coach's reply to a user message: known as soon as the message is sent, the same for every
claim of it (the claims are told apart by their attempt number)."""

from __future__ import annotations

from uuid import UUID, uuid5

REPLY_NAMESPACE = UUID("6f1c2a3e-8d4b-5e7f-9a0c-1b2d3e4f5a6b")
"""Fixed for good: changing it would give recorded messages other reply ids."""


def reply_id_for(message_id: UUID) -> UUID:
    return uuid5(REPLY_NAMESPACE, str(message_id))
