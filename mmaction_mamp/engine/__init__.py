"""Runtime: the MAMP runner, run-guarantee hooks, checkpoints, optimizer constructors."""

from . import hooks, optimizers  # noqa: F401
from .runner import MAMPRunner
from .work_dir_lock import WorkDirLock

__all__ = ['MAMPRunner', 'WorkDirLock']
