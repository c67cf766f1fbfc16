"""The exercise library's GraphQL: its types, search and admin mutations."""
