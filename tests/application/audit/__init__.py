"""Tests of the audits' pure parts."""
