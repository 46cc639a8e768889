"""Checkpoints that are safe to write, keep and read."""

from .integrity import non_finite, non_finite_weights, unwrap
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
from .writing import BACKEND_NAME, AtomicLocalBackend, from_portable, to_portable

__all__ = [
    'BACKEND_NAME', 'PREEMPTED_TEMPLATE', 'AtomicLocalBackend', 'follow_config_schedule',
    'from_portable', 'is_remote', 'load_checkpoint_weights_only', 'newest_readable_checkpoint',
    'non_finite', 'non_finite_weights', 'pickle_globals', 'require_classifier', 'require_fit',
    'to_portable', 'unwrap',
]  # fmt: skip
