"""Helpers shared by datasets, models and the runtime (no registered components)."""
