"""GraphQL types, thin resolvers and dataloaders (Strawberry)."""
