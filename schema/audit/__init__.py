"""The auditors' GraphQL fields (admins only): a stream's events, a plan at a version or a time, the diff of
a plan between two versions, the verification of the read models against the log; and a plan's own
`history`, which its owner reads too."""
