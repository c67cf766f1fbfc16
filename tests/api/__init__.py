"""Tests of the GraphQL API over a real socket: uvicorn serving the app, httpx and websockets calling it."""
