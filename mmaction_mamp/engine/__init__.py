"""Optimizer-wrapper constructors and hooks."""
