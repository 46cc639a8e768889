"""Long runs: atomic checkpoints, resume fallback, work-dir lock, pre-flight settings."""

from .atomic_checkpoint_backend import AtomicLocalBackend
from .data_check_config import configure_data_checks, sample_requirements
from .resume_checkpoint import newest_readable_checkpoint
from .work_dir_lock import WorkDirLock, WorkDirLocked, lock_work_dir

__all__ = [
    'AtomicLocalBackend',
    'WorkDirLock',
    'WorkDirLocked',
    'configure_data_checks',
    'lock_work_dir',
    'newest_readable_checkpoint',
    'sample_requirements',
]
