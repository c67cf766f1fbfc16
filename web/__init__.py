"""The HTTP side of the API around `server.py`: the GraphQL view, request guards, metrics, readiness
and the `fitcoach serve` launcher."""
