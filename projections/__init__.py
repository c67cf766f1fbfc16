"""Projectors: they follow the event log and build PostgreSQL read models and Redis caches."""
