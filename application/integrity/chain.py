"""The hash chain of a stream: each event's `EventMetadata.chain_hash` commits to its predecessor's.

    chain_hash(event) = SHA-256(canonical_link(previous_hash, event)), written as 64 lower-case hex digits

`previous_hash` is the `chain_hash` of the event right before it in its stream; None for a stream's
first event, and for the first event appended after events from before the chain (they have none).

The canonical encoding (`canonical_link`, pure, no I/O) is one JSON object, UTF-8, no whitespace,
with the keys of every object (nested ones too) sorted by code point:

    {"data": <the event's data>, "event_id": "<uuid>", "metadata": {...},
     "previous": "<hex>" or null, "schema_version": <int>, "type": "<event type>"}

- `metadata` is every `EventMetadata` field except `chain_hash` whose value is not null (so an optional
  field added later, null in old events, leaves their hashes as they were); UUIDs are written in their
  canonical lower-case, hyphenated form.
- Strings escape only `"`, `\\` and the control characters U+0000 to U+001F (`\\n`, `\\t`, ... or
  `\\u00XX`); everything else is written as UTF-8. Integers are plain decimals (64-bit range); floats
  the shortest text that reads back as the same double (`0.1`, `1.0`, `1e+20`, `1e-7`); no NaN nor
  infinity (the stores refuse them). This is what orjson writes with `OPT_SORT_KEYS`.
- The event id is covered besides what the issue lists (previous hash, type, schema version, data,
  metadata): it is the event's identity in every store, and an edited id would otherwise go unnoticed.
  The stream name, version, position and recorded time are not: the order is what the previous hash
  fixes, and moving a log to another store may renumber positions and times.

Where the chain is computed, and why it cannot fork: by the appender, above the `EventStore` port,
from the hash of the event at the `expected_version` it appends at (`chain_events`). The command path
(`application.handler`) has just read that event: the last one it folded, or the snapshot's base
event that it re-reads to check the snapshot. The claims of `application.user_claims`, the one other
writer, append either at `NO_STREAM` or at the holder's version, read with its hash. Every store
refuses an append whose expected version is no longer the stream's, and stored events are never
rewritten, so a successful append's predecessor is exactly the event the hash was computed from; of
two writers racing from one head, only one append lands, and the other re-reads the new head and
re-hashes. An append at `StreamState.ANY` cannot be chained (no production path uses one).

Why not inside each store's append transaction: PostgreSQL would need this encoding rebuilt in
PL/pgSQL from its own JSON text (whose float and escape rules differ), and KurrentDB runs no code of
ours, so it would need a read before the append, which the appenders have already done. One Python
function above the port gives every store (PostgreSQL, KurrentDB, memory) the same bytes and the
verifier (`application.integrity.walk`) the same function to check them with.
"""

from __future__ import annotations

import dataclasses
import hashlib
import operator
from collections.abc import Sequence
from typing import Any, Protocol
from uuid import UUID

import orjson

from application.eventstore import EventMetadata, NewEvent

_METADATA_FIELDS = tuple(
    field.name for field in dataclasses.fields(EventMetadata) if field.name != "chain_hash"
)
_metadata_values = operator.attrgetter(*_METADATA_FIELDS)


class UnchainableEvent(ValueError):
    """The event's data has no canonical JSON encoding (a non-string key, an integer past 64 bits, ...)."""

    code = "UNCHAINABLE_EVENT"


def canonical_metadata(metadata: EventMetadata) -> dict[str, Any]:
    """The metadata as the chain covers it: every field but `chain_hash` whose value is not null."""
    values = _metadata_values(metadata)
    return {name: value for name, value in zip(_METADATA_FIELDS, values, strict=True) if value is not None}


class LinkedEvent(Protocol):
    """What the chain covers of an event: a `NewEvent` before the append, a `RecordedEvent` after."""

    @property
    def event_id(self) -> UUID: ...
    @property
    def type(self) -> str: ...
    @property
    def schema_version(self) -> int: ...
    @property
    def data(self) -> dict[str, Any]: ...
    @property
    def metadata(self) -> EventMetadata: ...


def canonical_link(previous_hash: str | None, event: LinkedEvent) -> bytes:
    """The bytes an event's chain hash is the SHA-256 of (see the module's docstring)."""
    document = {
        "data": event.data,
        "event_id": event.event_id,
        "metadata": canonical_metadata(event.metadata),
        "previous": previous_hash,
        "schema_version": event.schema_version,
        "type": event.type,
    }
    try:
        return orjson.dumps(document, option=orjson.OPT_SORT_KEYS)
    except TypeError as error:  # orjson's JSONEncodeError
        raise UnchainableEvent(f"event {event.event_id} has no canonical JSON encoding: {error}") from None


def link_hash(previous_hash: str | None, event: LinkedEvent) -> str:
    """The chain hash `event` carries when it follows an event whose chain hash is `previous_hash`."""
    return hashlib.sha256(canonical_link(previous_hash, event)).hexdigest()


def chain_events(previous_hash: str | None, events: Sequence[NewEvent]) -> list[NewEvent]:
    """`events` with their chain hashes set, the first linked to `previous_hash`: the chain hash of the
    event at the version they are appended after (None at the start of a stream or of its chain)."""
    chained = []
    for event in events:
        previous_hash = link_hash(previous_hash, event)
        metadata = dataclasses.replace(event.metadata, chain_hash=previous_hash)
        chained.append(dataclasses.replace(event, metadata=metadata))
    return chained
