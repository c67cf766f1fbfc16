"""The auditors' API: admin-only queries over the event log and the read models built from it."""
