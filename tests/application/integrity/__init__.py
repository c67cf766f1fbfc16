"""Tests of the hash chain, its verification and seals, on the in-memory store and pure."""
