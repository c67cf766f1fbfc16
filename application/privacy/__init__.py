"""GDPR erasure by crypto-shredding: per-user data keys, sealing and opening personal fields of events,
and forgetting a user (`domain.privacy` says which fields are personal)."""
