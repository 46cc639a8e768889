"""Runtime: the MAMP runner, run-guarantee hooks, checkpoints, optimizer constructors,
the lr warm-up."""

from . import hooks, optimizers, schedulers  # noqa: F401
from .runner import MAMPRunner
from .work_dir_lock import WorkDirLock

__all__ = ['MAMPRunner', 'WorkDirLock']
