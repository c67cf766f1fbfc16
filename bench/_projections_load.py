"""Load the generated workload into the event log with one COPY, in the exact format the store writes.

Rows carry what `eventstore.append_events` would have written: dense positions in commit (here: time)
order, per-stream versions from 1, the data as the store's own JSON encoder renders it, the metadata in
its typed columns and the chain hash as the command handler computes it. `recorded_at` is the command's
moment, so the history looks months old.
A sample of plans is then read back through `PostgresEventStore` and folded, and must equal the state the
generator decided on.
"""

from __future__ import annotations

import random
import time
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime

import psycopg

from adapters.postgres.codec import encode_data
from adapters.postgres.store import PostgresEventStore
from bench._projections_workload import Append, PlanScript
from domain.plans import decode, fold
from domain.plans.streams import plan_stream

COLUMNS = (
    "position, stream, stream_version, event_id, type, schema_version, data,"
    " actor, command_id, correlation_id, causation_id, user_id, chain_hash, recorded_at"
)
VERIFIED_PLANS = 200


@dataclass(frozen=True, slots=True)
class Loaded:
    events: int
    commands: int
    seconds: float
    """Generation and COPY together: the generator feeds the COPY as it goes."""


async def copy_into_log(url: str, appends: Iterable[Append]) -> Loaded:
    started = time.perf_counter()
    versions: dict[str, int] = {}
    position = commands = 0
    async with await psycopg.AsyncConnection.connect(url) as conn:
        async with (
            conn.cursor() as cursor,
            cursor.copy(f"COPY eventstore.events ({COLUMNS}) FROM STDIN") as copy,
        ):
            for append in appends:
                commands += 1
                recorded_at = datetime.fromtimestamp(append.at, UTC)
                version = versions.get(append.stream, 0)
                for event, data in zip(append.events, encode_data(append.events), strict=True):
                    position += 1
                    version += 1
                    metadata = event.metadata
                    await copy.write_row(
                        (
                            position,
                            append.stream,
                            version,
                            event.event_id,
                            event.type,
                            event.schema_version,
                            data,
                            metadata.actor,
                            metadata.command_id,
                            metadata.correlation_id,
                            metadata.causation_id,
                            metadata.user_id,
                            None if metadata.chain_hash is None else bytes.fromhex(metadata.chain_hash),
                            recorded_at,
                        )
                    )
                versions[append.stream] = version
        await conn.commit()
        await conn.set_autocommit(True)
        await conn.execute("ANALYZE eventstore.events")  # autovacuum may be off: plan for the real size
    return Loaded(position, commands, time.perf_counter() - started)


async def verify_sample(store: PostgresEventStore, scripts: list[PlanScript], rng: random.Random) -> int:
    """Fold a sample of streams as stored; each must equal the generator's state. Returns plans checked."""
    sample = rng.sample(scripts, min(VERIFIED_PLANS, len(scripts)))
    for script in sample:
        recorded = await store.read_stream(plan_stream(script.timeline.plan_id))
        state = fold(decode(event.type, event.schema_version, event.data) for event in recorded)
        if state != script.state or len(recorded) != script.timeline.events:
            raise RuntimeError(f"plan {script.timeline.plan_id} does not read back as generated")
    return len(sample)
