"""Utilities: portable checkpoints, global batch size, CPU distributed runs."""

from .distributed import (
    CPUDistributedDataParallel,
    distributed_session,
    prepare_cpu_distributed,
)
from .global_batch import apply_global_batch_size
from .portable_checkpoint import (
    from_portable,
    is_legacy_checkpoint,
    legacy_checkpoint_message,
    load_legacy_checkpoint,
    to_portable,
)

__all__ = [
    'CPUDistributedDataParallel',
    'apply_global_batch_size',
    'distributed_session',
    'from_portable',
    'is_legacy_checkpoint',
    'legacy_checkpoint_message',
    'load_legacy_checkpoint',
    'prepare_cpu_distributed',
    'to_portable',
]
