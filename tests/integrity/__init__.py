"""The hash chain and `fitcoach audit integrity`/`seal` against the real PostgreSQL; tampering done in SQL."""
