"""Reading checkpoints written by earlier versions of this plugin.

Those versions changed, at import, how mmengine's ``HistoryBuffer`` pickles:
it was stored as a call to :func:`rebuild_history_buffer` of this module, so the
files name ``mmaction_mamp.utils.checkpoint_safety.rebuild_history_buffer``
and cannot be read where the plugin is absent. The function stays here, under
that name, only so that such files can be converted
(:func:`~mmaction_mamp.utils.portable_checkpoint.load_legacy_checkpoint`,
``tools/model_converters/portable_checkpoint.py``); importing the plugin no
longer changes any pickling or allow-list state.
"""

from typing import List

import numpy as np
from mmengine.logging.history_buffer import HistoryBuffer


def rebuild_history_buffer(
    log_history: np.ndarray, count_history: np.ndarray, max_length: int
) -> HistoryBuffer:
    """Recreate a ``HistoryBuffer`` from its data (the target of the old pickles)."""
    return HistoryBuffer(log_history, count_history, max_length)


def _numpy_globals() -> List[object]:
    """numpy's array / scalar reconstructors and dtype classes."""
    try:
        from numpy._core.multiarray import _reconstruct, scalar
    except ImportError:  # numpy < 2
        from numpy.core.multiarray import _reconstruct, scalar
    dtype_classes = [type(np.dtype(code)) for code in '?bBhHiIlLqQefdgFDG']
    return [_reconstruct, scalar, np.ndarray, np.dtype, *dtype_classes]


def legacy_safe_globals() -> List[object]:
    """Exactly the globals old-format checkpoints contain beyond tensors."""
    return [rebuild_history_buffer, *_numpy_globals()]
