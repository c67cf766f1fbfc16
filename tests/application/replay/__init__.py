"""The replay services (`application.replay`) against the in-memory event store."""
