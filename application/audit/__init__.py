"""Audits of the event log and of what was built from it."""
