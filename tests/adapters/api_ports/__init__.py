"""Tests of the ports behind the GraphQL API: pub/sub, rate limits, persisted queries."""
