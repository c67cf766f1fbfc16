"""Sealing a refresh token's successor under the token itself, for the reuse interval.

When a refresh token is rotated, its successor is handed to the client, and also kept, sealed, with the
rotated token's row: AES-256-GCM under a key derived (HKDF-SHA256) from the rotated token, with the
successor's id as associated data. A repeat of the rotated token within the reuse interval (a phone and
its background sync refreshing at once) then opens the seal with the token it presents and gets the same
successor, instead of counting as a stolen token's reuse.

Why this is safe to store: the database holds only SHA-256 hashes of tokens, and the key is derived from
the plain token, which is not derivable from its hash. Whoever can open a seal already holds the rotated
token, and within the interval that token would have been answered with the successor anyway. Only the
one seal per family that can still matter is kept: rotating the successor, or revoking the family,
clears it.
"""

from __future__ import annotations

import os
from uuid import UUID

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

_INFO = b"fitcoach refresh-token successor v1"
_NONCE_BYTES = 12


def _key(token: str) -> AESGCM:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_INFO).derive(token.encode("ascii"))
    return AESGCM(derived)


def seal(successor: str, *, under: str, successor_id: UUID) -> bytes:
    """The successor token, readable only with the token `under` (the one it succeeds)."""
    nonce = os.urandom(_NONCE_BYTES)
    return nonce + _key(under).encrypt(nonce, successor.encode("ascii"), successor_id.bytes)


def unseal(sealed: bytes, *, under: str, successor_id: UUID) -> str | None:
    """The successor token, or None when `under` is not the token it was sealed under (or it was altered)."""
    nonce, ciphertext = sealed[:_NONCE_BYTES], sealed[_NONCE_BYTES:]
    try:
        return _key(under).decrypt(nonce, ciphertext, successor_id.bytes).decode("ascii")
    except (InvalidTag, ValueError):
        return None
