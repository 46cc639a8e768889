"""Optimizer-wrapper constructors (the schedules use mmengine's stock schedulers)."""

from . import optimizers  # noqa: F401
