"""Utilities: checkpoint loading safety."""
