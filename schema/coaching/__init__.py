"""The AI coach in GraphQL: sessions, messages, suggestions, live replies."""
