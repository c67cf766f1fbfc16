"""Explicit, idempotent migration of the PostgreSQL event store schema.

Run `await migrate(conninfo)` from deployment tooling or test setup; nothing here runs at import time.
Each migration is applied once, in its own transaction, and recorded in `eventstore.schema_migrations`.
To change the schema later, append a new `Migration` to `MIGRATIONS`; never edit an applied one.
"""

from __future__ import annotations

import psycopg

from adapters.postgres.migrations import Migration, apply_migrations
from application.eventstore import EventStoreError, EventStoreUnavailable

NOTIFY_CHANNEL = "eventstore_events"
CONFLICT_SQLSTATE = "FC409"
"""Raised by `eventstore.append_events` on a wrong expected version; DETAIL holds the actual version."""
DUPLICATE_ID_SQLSTATE = "FC422"
"""Raised by `eventstore.append_events` when an event id already lives in another stream."""

_MIGRATION_LOCK_KEY = 7_461_029_318_447_201  # any constant; serialises concurrent migrate() calls


# `data` is `json`, not `jsonb`: the log is only ever read back whole, and `json` hands its text out
# as stored, where `jsonb` must be rendered again (four times the server time of a read_all page).
# The metadata has its own typed columns so auditors can query by correlation or command id.
_CREATE_EVENTS = """
CREATE TABLE eventstore.events (
    position bigint PRIMARY KEY,
    stream text NOT NULL,
    stream_version bigint NOT NULL,
    event_id uuid NOT NULL UNIQUE,
    type text NOT NULL,
    schema_version int NOT NULL,
    data json NOT NULL,
    actor text NOT NULL,
    command_id uuid NOT NULL,
    correlation_id uuid NOT NULL,
    causation_id uuid,
    user_id uuid,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    UNIQUE (stream, stream_version)
);
"""

# One round trip per append. The table lock is the eventsourcing library's approach to a gap-free,
# commit-ordered global log: every writer takes `LOCK TABLE ... IN EXCLUSIVE MODE` (which still lets
# plain SELECTs run) and numbers its events max(position)+1..n while holding it. PostgreSQL makes a
# transaction's rows visible at commit *before* it releases the transaction's locks, so the next writer
# only computes max(position) once every lower position is visible. A reader can therefore never see
# position n+1 without n, and a catch-up reader that continues after its last position skips nothing.
_CREATE_APPEND_FUNCTION = f"""
CREATE FUNCTION eventstore.append_events(
    p_stream text,
    p_expected bigint,  -- NULL means any version; NO_STREAM is passed as 0
    p_event_ids uuid[],
    p_types text[],
    p_schema_versions int[],
    p_data json[],
    p_actors text[],
    p_command_ids uuid[],
    p_correlation_ids uuid[],
    p_causation_ids uuid[],
    p_user_ids uuid[],
    OUT new_stream_version bigint,
    OUT last_position bigint
) LANGUAGE plpgsql
-- Every lookup below goes through a unique index. Without this, a session whose first appends ran
-- against a small table caches sequential-scan plans and keeps them as the table grows (plans are only
-- invalidated by ANALYZE, and the server may run without autovacuum).
SET enable_seqscan = off
AS $fn$
DECLARE
    v_count int := coalesce(cardinality(p_event_ids), 0);
    v_current bigint;
    v_top bigint;
    v_streams text[];
    v_versions bigint[];
    v_positions bigint[];
BEGIN
    IF v_count = 0 THEN
        SELECT e.stream_version, e.position INTO v_current, v_top
          FROM eventstore.events e WHERE e.stream = p_stream
         ORDER BY e.stream_version DESC LIMIT 1;
        new_stream_version := coalesce(v_current, 0);
        last_position := coalesce(v_top, 0);
        IF p_expected IS NOT NULL AND p_expected <> new_stream_version THEN
            RAISE EXCEPTION USING ERRCODE = '{CONFLICT_SQLSTATE}',
                MESSAGE = 'wrong expected version', DETAIL = new_stream_version::text;
        END IF;
        RETURN;
    END IF;

    LOCK TABLE eventstore.events IN EXCLUSIVE MODE;

    SELECT coalesce(max(e.stream_version), 0) INTO v_current
      FROM eventstore.events e WHERE e.stream = p_stream;

    IF EXISTS (SELECT 1 FROM eventstore.events e WHERE e.event_id = ANY (p_event_ids)) THEN
        -- A retry: idempotent only if all ids sit contiguously in this stream right after p_expected.
        SELECT array_agg(e.stream ORDER BY n.ord), array_agg(e.stream_version ORDER BY n.ord),
               array_agg(e.position ORDER BY n.ord)
          INTO v_streams, v_versions, v_positions
          FROM unnest(p_event_ids) WITH ORDINALITY AS n(event_id, ord)
          LEFT JOIN eventstore.events e ON e.event_id = n.event_id;
        IF EXISTS (SELECT 1 FROM unnest(v_streams) AS s(stream) WHERE s.stream <> p_stream) THEN
            RAISE EXCEPTION USING ERRCODE = '{DUPLICATE_ID_SQLSTATE}',
                MESSAGE = 'an event id is already used in another stream';
        END IF;
        IF v_versions[1] IS NULL
           OR EXISTS (SELECT 1 FROM generate_subscripts(v_versions, 1) AS i
                       WHERE v_versions[i] IS DISTINCT FROM v_versions[1] + i - 1)
           OR (p_expected IS NOT NULL AND v_versions[1] - 1 <> p_expected) THEN
            RAISE EXCEPTION USING ERRCODE = '{CONFLICT_SQLSTATE}',
                MESSAGE = 'wrong expected version', DETAIL = v_current::text;
        END IF;
        new_stream_version := v_versions[v_count];
        last_position := v_positions[v_count];
        RETURN;
    END IF;

    IF p_expected IS NOT NULL AND p_expected <> v_current THEN
        RAISE EXCEPTION USING ERRCODE = '{CONFLICT_SQLSTATE}',
            MESSAGE = 'wrong expected version', DETAIL = v_current::text;
    END IF;

    SELECT coalesce(max(e.position), 0) INTO v_top FROM eventstore.events e;
    INSERT INTO eventstore.events
        (position, stream, stream_version, event_id, type, schema_version, data,
         actor, command_id, correlation_id, causation_id, user_id)
    SELECT v_top + n.ord, p_stream, v_current + n.ord, n.event_id, n.type, n.schema_version, n.data,
           n.actor, n.command_id, n.correlation_id, n.causation_id, n.user_id
      FROM unnest(p_event_ids, p_types, p_schema_versions, p_data,
                  p_actors, p_command_ids, p_correlation_ids, p_causation_ids, p_user_ids)
           WITH ORDINALITY AS n(event_id, type, schema_version, data,
                                actor, command_id, correlation_id, causation_id, user_id, ord);
    new_stream_version := v_current + v_count;
    last_position := v_top + v_count;
    PERFORM pg_notify('{NOTIFY_CHANNEL}', last_position::text);
END;
$fn$;
"""

# Migration 3: each event's chain hash (`application.integrity.chain`; NULL for events from before it),
# and `append_events` as above, storing the hashes the appender computed.
_CHAIN_HASHES = f"""
ALTER TABLE eventstore.events ADD COLUMN chain_hash bytea;
DROP FUNCTION eventstore.append_events(
    text, bigint, uuid[], text[], int[], json[], text[], uuid[], uuid[], uuid[], uuid[]);
CREATE FUNCTION eventstore.append_events(
    p_stream text,
    p_expected bigint,  -- NULL means any version; NO_STREAM is passed as 0
    p_event_ids uuid[],
    p_types text[],
    p_schema_versions int[],
    p_data json[],
    p_actors text[],
    p_command_ids uuid[],
    p_correlation_ids uuid[],
    p_causation_ids uuid[],
    p_user_ids uuid[],
    p_chain_hashes bytea[],
    OUT new_stream_version bigint,
    OUT last_position bigint
) LANGUAGE plpgsql
-- Every lookup below goes through a unique index. Without this, a session whose first appends ran
-- against a small table caches sequential-scan plans and keeps them as the table grows (plans are only
-- invalidated by ANALYZE, and the server may run without autovacuum).
SET enable_seqscan = off
AS $fn$
DECLARE
    v_count int := coalesce(cardinality(p_event_ids), 0);
    v_current bigint;
    v_top bigint;
    v_streams text[];
    v_versions bigint[];
    v_positions bigint[];
BEGIN
    IF v_count = 0 THEN
        SELECT e.stream_version, e.position INTO v_current, v_top
          FROM eventstore.events e WHERE e.stream = p_stream
         ORDER BY e.stream_version DESC LIMIT 1;
        new_stream_version := coalesce(v_current, 0);
        last_position := coalesce(v_top, 0);
        IF p_expected IS NOT NULL AND p_expected <> new_stream_version THEN
            RAISE EXCEPTION USING ERRCODE = '{CONFLICT_SQLSTATE}',
                MESSAGE = 'wrong expected version', DETAIL = new_stream_version::text;
        END IF;
        RETURN;
    END IF;

    LOCK TABLE eventstore.events IN EXCLUSIVE MODE;

    SELECT coalesce(max(e.stream_version), 0) INTO v_current
      FROM eventstore.events e WHERE e.stream = p_stream;

    IF EXISTS (SELECT 1 FROM eventstore.events e WHERE e.event_id = ANY (p_event_ids)) THEN
        -- A retry: idempotent only if all ids sit contiguously in this stream right after p_expected.
        SELECT array_agg(e.stream ORDER BY n.ord), array_agg(e.stream_version ORDER BY n.ord),
               array_agg(e.position ORDER BY n.ord)
          INTO v_streams, v_versions, v_positions
          FROM unnest(p_event_ids) WITH ORDINALITY AS n(event_id, ord)
          LEFT JOIN eventstore.events e ON e.event_id = n.event_id;
        IF EXISTS (SELECT 1 FROM unnest(v_streams) AS s(stream) WHERE s.stream <> p_stream) THEN
            RAISE EXCEPTION USING ERRCODE = '{DUPLICATE_ID_SQLSTATE}',
                MESSAGE = 'an event id is already used in another stream';
        END IF;
        IF v_versions[1] IS NULL
           OR EXISTS (SELECT 1 FROM generate_subscripts(v_versions, 1) AS i
                       WHERE v_versions[i] IS DISTINCT FROM v_versions[1] + i - 1)
           OR (p_expected IS NOT NULL AND v_versions[1] - 1 <> p_expected) THEN
            RAISE EXCEPTION USING ERRCODE = '{CONFLICT_SQLSTATE}',
                MESSAGE = 'wrong expected version', DETAIL = v_current::text;
        END IF;
        new_stream_version := v_versions[v_count];
        last_position := v_positions[v_count];
        RETURN;
    END IF;

    IF p_expected IS NOT NULL AND p_expected <> v_current THEN
        RAISE EXCEPTION USING ERRCODE = '{CONFLICT_SQLSTATE}',
            MESSAGE = 'wrong expected version', DETAIL = v_current::text;
    END IF;

    SELECT coalesce(max(e.position), 0) INTO v_top FROM eventstore.events e;
    INSERT INTO eventstore.events
        (position, stream, stream_version, event_id, type, schema_version, data,
         actor, command_id, correlation_id, causation_id, user_id, chain_hash)
    SELECT v_top + n.ord, p_stream, v_current + n.ord, n.event_id, n.type, n.schema_version, n.data,
           n.actor, n.command_id, n.correlation_id, n.causation_id, n.user_id, n.chain_hash
      FROM unnest(p_event_ids, p_types, p_schema_versions, p_data,
                  p_actors, p_command_ids, p_correlation_ids, p_causation_ids, p_user_ids, p_chain_hashes)
           WITH ORDINALITY AS n(event_id, type, schema_version, data,
                                actor, command_id, correlation_id, causation_id, user_id, chain_hash, ord);
    new_stream_version := v_current + v_count;
    last_position := v_top + v_count;
    PERFORM pg_notify('{NOTIFY_CHANNEL}', last_position::text);
END;
$fn$;
"""

# Migration 4: `append_events` of migration 3, plus the times events were first recorded, for logs moved
# from another store (`fitcoach replay import`); the command path passes NULLs and gets now() as before.
_RECORDED_TIMES_APPEND_FUNCTION = f"""
DROP FUNCTION eventstore.append_events(
    text, bigint, uuid[], text[], int[], json[], text[], uuid[], uuid[], uuid[], uuid[], bytea[]);
CREATE FUNCTION eventstore.append_events(
    p_stream text,
    p_expected bigint,  -- NULL means any version; NO_STREAM is passed as 0
    p_event_ids uuid[],
    p_types text[],
    p_schema_versions int[],
    p_data json[],
    p_actors text[],
    p_command_ids uuid[],
    p_correlation_ids uuid[],
    p_causation_ids uuid[],
    p_user_ids uuid[],
    p_chain_hashes bytea[],
    p_recorded_ats timestamptz[],  -- NULL elements (or a NULL array): now()
    OUT new_stream_version bigint,
    OUT last_position bigint
) LANGUAGE plpgsql
-- Every lookup below goes through a unique index. Without this, a session whose first appends ran
-- against a small table caches sequential-scan plans and keeps them as the table grows (plans are only
-- invalidated by ANALYZE, and the server may run without autovacuum).
SET enable_seqscan = off
AS $fn$
DECLARE
    v_count int := coalesce(cardinality(p_event_ids), 0);
    v_current bigint;
    v_top bigint;
    v_streams text[];
    v_versions bigint[];
    v_positions bigint[];
BEGIN
    IF v_count = 0 THEN
        SELECT e.stream_version, e.position INTO v_current, v_top
          FROM eventstore.events e WHERE e.stream = p_stream
         ORDER BY e.stream_version DESC LIMIT 1;
        new_stream_version := coalesce(v_current, 0);
        last_position := coalesce(v_top, 0);
        IF p_expected IS NOT NULL AND p_expected <> new_stream_version THEN
            RAISE EXCEPTION USING ERRCODE = '{CONFLICT_SQLSTATE}',
                MESSAGE = 'wrong expected version', DETAIL = new_stream_version::text;
        END IF;
        RETURN;
    END IF;

    LOCK TABLE eventstore.events IN EXCLUSIVE MODE;

    SELECT coalesce(max(e.stream_version), 0) INTO v_current
      FROM eventstore.events e WHERE e.stream = p_stream;

    IF EXISTS (SELECT 1 FROM eventstore.events e WHERE e.event_id = ANY (p_event_ids)) THEN
        -- A retry: idempotent only if all ids sit contiguously in this stream right after p_expected.
        SELECT array_agg(e.stream ORDER BY n.ord), array_agg(e.stream_version ORDER BY n.ord),
               array_agg(e.position ORDER BY n.ord)
          INTO v_streams, v_versions, v_positions
          FROM unnest(p_event_ids) WITH ORDINALITY AS n(event_id, ord)
          LEFT JOIN eventstore.events e ON e.event_id = n.event_id;
        IF EXISTS (SELECT 1 FROM unnest(v_streams) AS s(stream) WHERE s.stream <> p_stream) THEN
            RAISE EXCEPTION USING ERRCODE = '{DUPLICATE_ID_SQLSTATE}',
                MESSAGE = 'an event id is already used in another stream';
        END IF;
        IF v_versions[1] IS NULL
           OR EXISTS (SELECT 1 FROM generate_subscripts(v_versions, 1) AS i
                       WHERE v_versions[i] IS DISTINCT FROM v_versions[1] + i - 1)
           OR (p_expected IS NOT NULL AND v_versions[1] - 1 <> p_expected) THEN
            RAISE EXCEPTION USING ERRCODE = '{CONFLICT_SQLSTATE}',
                MESSAGE = 'wrong expected version', DETAIL = v_current::text;
        END IF;
        new_stream_version := v_versions[v_count];
        last_position := v_positions[v_count];
        RETURN;
    END IF;

    IF p_expected IS NOT NULL AND p_expected <> v_current THEN
        RAISE EXCEPTION USING ERRCODE = '{CONFLICT_SQLSTATE}',
            MESSAGE = 'wrong expected version', DETAIL = v_current::text;
    END IF;

    SELECT coalesce(max(e.position), 0) INTO v_top FROM eventstore.events e;
    INSERT INTO eventstore.events
        (position, stream, stream_version, event_id, type, schema_version, data,
         actor, command_id, correlation_id, causation_id, user_id, chain_hash, recorded_at)
    SELECT v_top + n.ord, p_stream, v_current + n.ord, n.event_id, n.type, n.schema_version, n.data,
           n.actor, n.command_id, n.correlation_id, n.causation_id, n.user_id, n.chain_hash,
           coalesce(n.recorded_at, now())
      FROM unnest(p_event_ids, p_types, p_schema_versions, p_data,
                  p_actors, p_command_ids, p_correlation_ids, p_causation_ids, p_user_ids, p_chain_hashes,
                  coalesce(p_recorded_ats, array_fill(NULL::timestamptz, ARRAY[v_count])))
           WITH ORDINALITY AS n(event_id, type, schema_version, data, actor, command_id,
                                correlation_id, causation_id, user_id, chain_hash, recorded_at, ord);
    new_stream_version := v_current + v_count;
    last_position := v_top + v_count;
    PERFORM pg_notify('{NOTIFY_CHANNEL}', last_position::text);
END;
$fn$;
"""

# Folded aggregate state at a stream version (`adapters.postgres.snapshots`): a cache of the log that the
# command path checks against it before use, so the table may be emptied at any time.
_CREATE_SNAPSHOTS = """
CREATE TABLE eventstore.snapshots (
    stream text PRIMARY KEY,
    stream_version bigint NOT NULL,
    position bigint NOT NULL,
    last_event_id uuid NOT NULL,
    state_type text NOT NULL,
    schema_version int NOT NULL,
    state json NOT NULL,
    recent_commands json NOT NULL,
    taken_at timestamptz NOT NULL DEFAULT now()
);
"""

# `fitcoach audit trace`: one request's events, found by correlation id in log order. A plain CREATE INDEX
# (the migration runs in a transaction): on a big log it holds off appends while it builds.
_CREATE_CORRELATION_INDEX = """
CREATE INDEX events_by_correlation ON eventstore.events (correlation_id, position);
"""

MIGRATIONS: tuple[Migration, ...] = (
    Migration(1, "events table and append function", _CREATE_EVENTS + _CREATE_APPEND_FUNCTION),
    Migration(2, "snapshots table", _CREATE_SNAPSHOTS),
    Migration(3, "chain hashes", _CHAIN_HASHES),
    Migration(4, "append_events keeps given recorded times", _RECORDED_TIMES_APPEND_FUNCTION),
    Migration(5, "index of events by correlation id", _CREATE_CORRELATION_INDEX),
)


async def migrate(conninfo: str) -> None:
    """Bring the `eventstore` schema up to date; safe to call repeatedly and concurrently."""
    try:
        await apply_migrations(
            conninfo,
            schema="eventstore",
            ledger="schema_migrations",
            migrations=MIGRATIONS,
            lock_key=_MIGRATION_LOCK_KEY,
        )
    except psycopg.OperationalError as error:
        raise EventStoreUnavailable("cannot reach PostgreSQL to migrate the event store") from error
    except psycopg.Error as error:
        raise EventStoreError(f"event store migration failed ({error.sqlstate})") from error
