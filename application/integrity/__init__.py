"""Tamper evidence for the event log: the per-stream hash chain (`chain`), its verification (`walk`,
`audit`) and the seals that anchor stream heads (`seals`). See docs/audit.md."""
