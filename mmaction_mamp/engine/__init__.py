"""Optimizer-wrapper constructors and parameter schedulers."""

from . import optimizers, schedulers  # noqa: F401
