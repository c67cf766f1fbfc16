"""Which fields of which events hold personal data, and what they read as once their owner is forgotten.

GDPR erasure is by crypto-shredding: the application seals each field listed here with a data key of the
person it belongs to (the event's *data subject*, named by each aggregate's `Decider.data_subject`) before
the event is chained and appended, and deleting that key erases every such field at once, in every event,
without rewriting one. A sealed field is stored as an envelope in place of its value:

    {"$sealed": 1, "subject": "<user id>", "ct": "<base64 of nonce and AES-GCM ciphertext>"}

Opening it gives the field's JSON value back; once the key is gone it gives the field's `erased` value
instead, which every event reader (codec, projections, audit) takes like any other value. Pure: no keys
and no cryptography here (`application.privacy`).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from domain.event_codec import JsonValue
from domain.sealed import is_sealed
from domain.users.codec import write_profile
from domain.users.values import Profile

ERASED_TEXT = ""
"""What an erased free text reads as."""


@dataclass(frozen=True, slots=True)
class PersonalField:
    name: str
    """The top-level key of the event's encoded data."""
    erased: JsonValue
    """The value the field reads as once its subject's key is deleted: valid for the event's reader."""


_ERASED_PROFILE = write_profile(Profile(display_name=ERASED_TEXT))

PERSONAL_FIELDS: Mapping[str, tuple[PersonalField, ...]] = {
    "UserRegistered": (
        PersonalField("email", ERASED_TEXT),
        PersonalField("display_name", ERASED_TEXT),
        PersonalField("password_hash", None),
    ),
    "ExternalIdentityLinked": (PersonalField("subject", ERASED_TEXT),),
    "ProfileUpdated": (PersonalField("profile", _ERASED_PROFILE),),
    "PasswordChanged": (PersonalField("password_hash", ERASED_TEXT),),
    "UserMessageSent": (PersonalField("text", ERASED_TEXT),),
    "SafetyTriggered": (PersonalField("note", ERASED_TEXT),),
    "SuggestionRejected": (PersonalField("reason", ERASED_TEXT),),
    "CoachReplyCompleted": (PersonalField("text", ERASED_TEXT), PersonalField("safety_notes", [])),
}
"""Event type -> its personal fields. Types not listed hold none (ids, roles, times, plan contents).
Safety notes are ours, never the user's words, but they tell of a person's health (an injury, a symptom)."""


def holds_plain_personal_data(event_type: str, data: Mapping[str, Any]) -> bool:
    """Whether a stored event carries a personal field in the clear (written before sealing existed, or
    with no subject to seal it for). An erased value is not personal data."""
    for personal in PERSONAL_FIELDS.get(event_type, ()):
        value = data.get(personal.name)
        if value is not None and not is_sealed(value) and value != personal.erased:
            return True
    return False
