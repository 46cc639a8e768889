"""Checkpoints that are safe to write, keep and read."""

from .integrity import non_finite, non_finite_weights, unwrap  # noqa: F401
from .reading import (  # noqa: F401
    PREEMPTED_TEMPLATE,
    is_remote,
    load_checkpoint_weights_only,
    newest_readable_checkpoint,
    require_classifier,
    require_fit,
)
from .schedule import follow_config_schedule  # noqa: F401
from .writing import BACKEND_NAME, from_portable, to_portable  # noqa: F401
