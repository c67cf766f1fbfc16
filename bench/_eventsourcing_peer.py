"""The peer: the `eventsourcing` library's PostgreSQL application recorder doing the same appends and reads.

Its recorder is synchronous (psycopg pool, one transaction per `insert_events` call that takes an
EXCLUSIVE table lock), so concurrent writers are threads. Each of our events becomes one stored event
whose opaque `state` is the whole envelope as JSON; encoding and decoding are timed, as they are in ours.
"""

from __future__ import annotations

import json

import psycopg
from eventsourcing.persistence import StoredEvent
from eventsourcing.postgres import PostgresApplicationRecorder, PostgresDatastore
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict

from bench._eventstore_workload import Append, event_state_json, now

PEER_SCHEMA = "eventsourcing_peer"
TOPIC = "fitcoach.plans:ExerciseAdded"


class EventsourcingPeer:
    def __init__(self, url: str, pool_size: int) -> None:
        with psycopg.connect(url, autocommit=True) as conn:
            conn.execute(sql.SQL("CREATE SCHEMA IF NOT EXISTS {}").format(sql.Identifier(PEER_SCHEMA)))
        params = conninfo_to_dict(url)
        self._datastore = PostgresDatastore(
            dbname=str(params["dbname"]),
            host=str(params.get("host", "127.0.0.1")),
            port=str(params.get("port", 5432)),
            user=str(params.get("user", "postgres")),
            password=str(params.get("password", "")),
            pool_size=pool_size,
            schema=PEER_SCHEMA,
            originator_id_type="text",
        )
        self._recorder = PostgresApplicationRecorder(self._datastore, events_table_name="stored_events")
        self._recorder.create_table()

    def append_plan(self, plan: list[Append]) -> int:
        written = 0
        for append in plan:
            recorded_at = now()
            stored = [
                StoredEvent(
                    originator_id=append.stream,
                    originator_version=append.expected_version + index + 1,
                    topic=TOPIC,
                    state=event_state_json(
                        event, append.stream, append.expected_version + index + 1, recorded_at
                    ),
                )
                for index, event in enumerate(append.events)
            ]
            self._recorder.insert_events(stored)
            written += len(stored)
        return written

    def read_all(self, page_size: int) -> int:
        """Page through the whole notification log from the start, decoding every payload."""
        read = 0
        start = 1
        while notifications := self._recorder.select_notifications(start, page_size):
            for notification in notifications:
                json.loads(notification.state)
            read += len(notifications)
            start = notifications[-1].id + 1
        return read

    def close(self) -> None:
        self._datastore.close()
