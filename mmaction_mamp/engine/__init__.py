"""Runner hooks (k-NN monitor, portable checkpoints, quiet logs), optimizer-wrapper
constructors (the schedules use mmengine's stock schedulers) and long-run safety (atomic
checkpoints, resume fallback, work-dir lock, pre-flight settings)."""

from . import hooks, optimizers, runs  # noqa: F401
