"""Application layer: ports and the single command path (load, fold, decide, append)."""
