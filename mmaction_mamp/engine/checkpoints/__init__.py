"""Checkpoints that are safe to write, keep and read."""

from .atomic_backend import BACKEND_NAME, AtomicLocalBackend
from .integrity import non_finite_weights, unwrap
from .portable import from_portable, to_portable
from .reading import (
    PREEMPTED_TEMPLATE,
    is_remote,
    load_checkpoint_weights_only,
    newest_readable_checkpoint,
    unreadable_reason,
)

__all__ = [
    'BACKEND_NAME',
    'PREEMPTED_TEMPLATE',
    'AtomicLocalBackend',
    'from_portable',
    'is_remote',
    'load_checkpoint_weights_only',
    'newest_readable_checkpoint',
    'non_finite_weights',
    'to_portable',
    'unreadable_reason',
    'unwrap',
]
