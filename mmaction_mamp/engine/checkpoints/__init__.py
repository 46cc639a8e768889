"""Checkpoints that are safe to write, keep and read."""

from .atomic_backend import BACKEND_NAME, AtomicLocalBackend
from .integrity import non_finite, non_finite_weights, unwrap
from .portable import from_portable, to_portable
from .reading import (
    PREEMPTED_TEMPLATE,
    is_remote,
    load_checkpoint_weights_only,
    newest_readable_checkpoint,
    pickle_globals,
    require_classifier,
    require_fit,
)
from .schedule import follow_config_schedule

__all__ = [
    'BACKEND_NAME', 'PREEMPTED_TEMPLATE', 'AtomicLocalBackend', 'follow_config_schedule',
    'from_portable', 'is_remote', 'load_checkpoint_weights_only', 'newest_readable_checkpoint',
    'non_finite', 'non_finite_weights', 'pickle_globals', 'require_classifier', 'require_fit',
    'to_portable',
    'unwrap',
]  # fmt: skip
