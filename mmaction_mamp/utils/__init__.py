"""Utilities: checkpoint loading safety, global batch size."""

from .checkpoint_safety import allow_mmengine_checkpoints, checkpoint_safe_globals
from .global_batch import apply_global_batch_size

__all__ = ['allow_mmengine_checkpoints', 'apply_global_batch_size', 'checkpoint_safe_globals']
