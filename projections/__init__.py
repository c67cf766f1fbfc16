"""Projectors: they follow the event log and build PostgreSQL read models (and invalidate the caches).

The runner machinery sits at this root:
- `projection`: what a projection is (`Projection`, its rebuild `Replay`) and the failure errors.
- `registry`: the explicit list of projections. A new read model is one package plus one line there.
- `runner`: `ProjectionRunner`, one active instance per projection (advisory lock). It follows the log
  in batches (`follow`), commits each with its checkpoint (`batch`, `checkpoints`), then invalidates
  the cache (`invalidation`).
- `rebuild`: blue/green replay into a fresh schema, swapped in atomically.
- `status`, `lag`, `metrics`, `console`: what operators see; `schema`: the migration.

The projections, one package each: `workout` (plans, exercises, versions), `users` (`auth.users`) and
`coaching` (the AI coach's sessions, messages, safety triggers and usage, schema `ai`).
"""
