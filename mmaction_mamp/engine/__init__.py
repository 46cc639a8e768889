"""Runtime: the MAMP runner, its hooks and checkpoints, optimizer constructor, lr warm-up."""

from . import hooks, optimizers, schedulers  # noqa: F401
from .runner import MAMPRunner
from .work_dir_lock import WorkDirLock

__all__ = ['MAMPRunner', 'WorkDirLock']
