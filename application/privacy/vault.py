"""`PersonalDataVault`: seals the personal fields of new events, and opens them in recorded ones.

Each field listed in `domain.privacy.PERSONAL_FIELDS` is replaced, before the event is chained and
appended, by an envelope holding its JSON value encrypted with AES-256-GCM under the data subject's key:

    {"$sealed": 1, "subject": "<user id>", "ct": "<base64: 12-byte nonce, ciphertext and tag>"}

The associated data is `<event id>:<field name>`, so a ciphertext moved to another event or field does not
open. The chain hashes cover the envelope, not the plain value, so deleting the key erases the value
and leaves the chain intact.

Opening replaces each envelope by the plain value, or, when the subject's key is gone (forgotten), by the
field's `erased` value. An envelope that does not open (edited ciphertext, a wrong key) reads as erased
too, and is logged by event id: the integrity audit is what reports tampering, and one damaged event must
not stop every reader of the log.
"""

from __future__ import annotations

import base64
import dataclasses
import logging
import os
from collections.abc import Iterable, Sequence
from typing import Any
from uuid import UUID

import orjson
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from application.eventstore import NewEvent, RecordedEvent
from application.privacy.keys import DataKeys
from domain.privacy import PERSONAL_FIELDS, PersonalField
from domain.sealed import SEALED, is_sealed

log = logging.getLogger("fitcoach.privacy")

_NONCE_BYTES = 12
_KEY_BITS = 256
_ENVELOPE_VERSION = 1


class PersonalDataVault:
    def __init__(self, keys: DataKeys) -> None:
        self._keys = keys

    @property
    def keys(self) -> DataKeys:
        return self._keys

    async def seal(self, events: Sequence[NewEvent], subjects: Sequence[UUID | None]) -> list[NewEvent]:
        """`events` with their personal fields sealed for `subjects` (one per event; None: not sealed).
        Raises `UserErased` when a subject was forgotten."""
        keys: dict[UUID, AESGCM] = {}
        sealed = []
        for event, subject in zip(events, subjects, strict=True):
            personal = PERSONAL_FIELDS.get(event.type, ())
            if subject is None or not any(field.name in event.data for field in personal):
                sealed.append(event)
                continue
            if subject not in keys:
                key = await self._keys.key_to_seal(subject, AESGCM.generate_key(bit_length=_KEY_BITS))
                keys[subject] = AESGCM(key)
            data = dict(event.data)
            for field in personal:
                if field.name in data and not is_sealed(data[field.name]):
                    aad = _associated_data(event.event_id, field)
                    data[field.name] = _envelope(keys[subject], subject, data[field.name], aad)
            sealed.append(dataclasses.replace(event, data=data))
        return sealed

    async def open(self, events: Sequence[RecordedEvent]) -> list[RecordedEvent]:
        """`events` with every sealed field opened (or erased, when its subject's key is gone)."""
        subjects = set(_subjects(events))
        if not subjects:
            return list(events)
        found = await self._keys.keys_to_open(subjects)
        ciphers = {subject: AESGCM(key) for subject, key in found.items()}
        return [_opened(event, ciphers) for event in events]

    async def open_one(self, event: RecordedEvent) -> RecordedEvent:
        return (await self.open([event]))[0]

    async def seal_value(self, subject: UUID, value: Any, context: str) -> dict[str, Any]:
        """A JSON value sealed for `subject` outside the log (a cached reply), bound to `context` (its
        key, say). Raises `UserErased` when the subject was forgotten."""
        key = await self._keys.key_to_seal(subject, AESGCM.generate_key(bit_length=_KEY_BITS))
        return _envelope(AESGCM(key), subject, value, context.encode())

    async def open_value(self, envelope: Any, context: str) -> Any | None:
        """The value `seal_value` sealed with the same `context`; None when it does not open (its subject
        was forgotten, or it is not such an envelope)."""
        subject = _subject_of(envelope) if isinstance(envelope, dict) and is_sealed(envelope) else None
        if subject is None:
            return None
        key = (await self._keys.keys_to_open([subject])).get(subject)
        if key is None:
            return None
        try:
            return _decrypted(AESGCM(key), envelope, context.encode())
        except (KeyError, ValueError, InvalidTag, orjson.JSONDecodeError):
            return None


def _envelope(cipher: AESGCM, subject: UUID, value: Any, associated_data: bytes) -> dict[str, Any]:
    nonce = os.urandom(_NONCE_BYTES)
    ciphertext = cipher.encrypt(nonce, orjson.dumps(value), associated_data)
    return {
        SEALED: _ENVELOPE_VERSION,
        "subject": str(subject),
        "ct": base64.b64encode(nonce + ciphertext).decode("ascii"),
    }


def _associated_data(event_id: UUID, field: PersonalField) -> bytes:
    return f"{event_id}:{field.name}".encode()


def _subjects(events: Iterable[RecordedEvent]) -> Iterable[UUID]:
    for event in events:
        for field in PERSONAL_FIELDS.get(event.type, ()):
            value = event.data.get(field.name)
            if isinstance(value, dict) and is_sealed(value):
                subject = _subject_of(value)
                if subject is not None:
                    yield subject


def _subject_of(envelope: dict[str, Any]) -> UUID | None:
    try:
        return UUID(str(envelope["subject"]))
    except (KeyError, ValueError):
        return None


def _opened(event: RecordedEvent, ciphers: dict[UUID, AESGCM]) -> RecordedEvent:
    personal = PERSONAL_FIELDS.get(event.type, ())
    if not any(is_sealed(event.data.get(field.name)) for field in personal):
        return event
    data = dict(event.data)
    for field in personal:
        value = data.get(field.name)
        if is_sealed(value):
            data[field.name] = _plain_value(event, field, value, ciphers)
    return dataclasses.replace(event, data=data)


def _plain_value(
    event: RecordedEvent, field: PersonalField, envelope: Any, ciphers: dict[UUID, AESGCM]
) -> Any:
    subject = _subject_of(envelope)
    cipher = None if subject is None else ciphers.get(subject)
    if cipher is None:
        return field.erased
    try:
        blob = base64.b64decode(str(envelope["ct"]), validate=True)
        plain = cipher.decrypt(
            blob[:_NONCE_BYTES], blob[_NONCE_BYTES:], _associated_data(event.event_id, field)
        )
        return orjson.loads(plain)
    except (KeyError, ValueError, InvalidTag, orjson.JSONDecodeError):
        log.warning(
            "a sealed field does not open; it reads as erased",
            extra={"event_id": str(event.event_id), "field": field.name},
        )
        return field.erased


def _decrypted(cipher: AESGCM, envelope: dict[str, Any], associated_data: bytes) -> Any:
    blob = base64.b64decode(str(envelope["ct"]), validate=True)
    return orjson.loads(cipher.decrypt(blob[:_NONCE_BYTES], blob[_NONCE_BYTES:], associated_data))
