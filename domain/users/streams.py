"""Stream names of users and of the uniqueness claims.

Claim streams are named by a SHA-256 of the claimed value, so no email address or provider subject
appears in a stream name (names show up in logs, metrics and the KurrentDB UI). The hash is unkeyed:
it keeps the value out of sight, it does not make a guessed address unfindable.
"""

from __future__ import annotations

import hashlib
from uuid import UUID

from domain.users.values import IdentityProvider

USER_STREAM_PREFIX = "user-"
EMAIL_CLAIM_STREAM_PREFIX = "useremail-"
IDENTITY_CLAIM_STREAM_PREFIX = "useridentity-"


def user_stream(user_id: UUID) -> str:
    return f"{USER_STREAM_PREFIX}{user_id}"


def email_claim_stream(normalised_email: str) -> str:
    return EMAIL_CLAIM_STREAM_PREFIX + hashlib.sha256(normalised_email.encode()).hexdigest()


def identity_claim_stream(provider: IdentityProvider, subject: str) -> str:
    return IDENTITY_CLAIM_STREAM_PREFIX + hashlib.sha256(f"{provider.value}:{subject}".encode()).hexdigest()
