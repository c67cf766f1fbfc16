"""The benchmarks: each is a module `bench._<name>_main`, run from the repo root as
`python -m bench._<name>_main` or through its launcher `python bench/<name>.py`
(eventstore, projections, graphql, catchup)."""
