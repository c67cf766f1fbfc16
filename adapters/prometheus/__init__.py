"""Prometheus adapters of the application's metrics ports."""
