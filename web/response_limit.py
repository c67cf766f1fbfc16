"""The cap on what one response may weigh: a GraphQL result over `FITCOACH_MAX_RESPONSE_BYTES` once
encoded is replaced, whole, by a `RESPONSE_TOO_LARGE` error, so a client never gets half of one.

The query cost limit (`schema.query_cost`) bounds how many values a result holds; this cap bounds their
size too (long texts), and applies to an HTTP body and a WebSocket message alike.
"""

from __future__ import annotations

from typing import Any

import orjson

RESPONSE_TOO_LARGE = "RESPONSE_TOO_LARGE"


def encoded_within(message: object, limit: int) -> bytes:
    """`message` as JSON, or, when that is over `limit` bytes, the same message with its GraphQL result
    (an HTTP body, or the `payload` of a WebSocket `next`/`data` message) replaced by the error."""
    encoded = orjson.dumps(message)
    if len(encoded) <= limit:
        return encoded
    return orjson.dumps(_replaced(message, len(encoded), limit))


def too_large(size: int, limit: int) -> dict[str, Any]:
    message = f"the response would be {size} bytes, over the limit of {limit}: ask for fewer items or fields"
    extensions = {"code": RESPONSE_TOO_LARGE, "bytes": size, "limit": limit}
    return {"data": None, "errors": [{"message": message, "extensions": extensions}]}


def _replaced(message: object, size: int, limit: int) -> object:
    if isinstance(message, dict) and isinstance(message.get("payload"), dict):  # a WebSocket message
        return {**message, "payload": too_large(size, limit)}
    if isinstance(message, list):  # a batch: each result is what is too large, not the list
        return [too_large(size, limit) for _ in message]
    return too_large(size, limit)
