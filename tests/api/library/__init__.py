"""The exercise library over the GraphQL API."""
