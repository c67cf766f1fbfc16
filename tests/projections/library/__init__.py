"""Tests of the exercise library read side: projection, search, cache."""
