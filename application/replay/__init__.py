"""Moving the event log between stores: a canonical JSON-lines file (`line_format`), written from any
`EventStore` (`export`) and appended to any other, idempotently (`importer`). See docs/replay.md."""
