"""Audits of the event log and of what was built from it.

Reading the log for auditors: a stream's history, an aggregate as it was at a version or a time, what
changed in a plan between two versions, and every event of one request (`trace`). Each reads through the
`EventStore` port (the trace through a `CorrelationIndex`); `reads.AuditReads` bundles them. Verifying the
read models against the log: `verify.ReadModelVerification`.
"""
