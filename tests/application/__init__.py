"""Tests of the application layer: the command handler on the in-memory event store."""
