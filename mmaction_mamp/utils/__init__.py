"""Utilities: checkpoint loading safety, global batch size, CPU distributed runs."""

from .checkpoint_safety import allow_mmengine_checkpoints, checkpoint_safe_globals
from .distributed import CPUDistributedDataParallel, prepare_cpu_distributed
from .global_batch import apply_global_batch_size

__all__ = [
    'CPUDistributedDataParallel',
    'allow_mmengine_checkpoints',
    'apply_global_batch_size',
    'checkpoint_safe_globals',
    'prepare_cpu_distributed',
]
