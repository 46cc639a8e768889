"""Optimizer-wrapper constructors (the schedules use mmengine's stock schedulers) and
long-run safety (atomic checkpoints, resume fallback, work-dir lock, pre-flight settings)."""

from . import optimizers, runs  # noqa: F401
