"""Snapshot tests: the Plan snapshot codec, the `Snapshots` contract, the command path with snapshots."""
