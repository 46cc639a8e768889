"""Let mmengine training checkpoints load under torch's ``weights_only=True``.

Since torch 2.6, ``torch.load`` only unpickles tensors, containers and
allow-listed globals. mmengine checkpoints also carry the message hub, whose
``HistoryBuffer`` objects pickle their class-level statistics methods through
``getattr`` — a global that must never be allow-listed, since it reaches any
attribute of any object. So ``--resume`` fails on torch >= 2.6.

Instead of turning the safety off we make such checkpoints plain data:
``HistoryBuffer`` is pickled as a call to :func:`rebuild_history_buffer` with
its two numpy arrays and max length, and only that function plus numpy's
array/scalar reconstructors are allow-listed. Untrusted files that contain
anything else are still refused by torch. Checkpoints written by other
mmengine projects (with the ``getattr`` entries) need a trusted one-off
``torch.load(..., weights_only=False)`` to be re-saved.
"""

import copyreg
from typing import Callable, List, Tuple

import numpy as np
import torch
from mmengine.logging.history_buffer import HistoryBuffer


def rebuild_history_buffer(
    log_history: np.ndarray, count_history: np.ndarray, max_length: int
) -> HistoryBuffer:
    """Recreate a ``HistoryBuffer`` from its data (the target of its pickle)."""
    return HistoryBuffer(log_history, count_history, max_length)


def _reduce_history_buffer(buffer: HistoryBuffer) -> Tuple[Callable, tuple]:
    return rebuild_history_buffer, (
        buffer._log_history,
        buffer._count_history,
        buffer.max_length,
    )


def _numpy_globals() -> List[object]:
    """numpy's array / scalar reconstructors and dtype classes."""
    try:
        from numpy._core.multiarray import _reconstruct, scalar
    except ImportError:  # numpy < 2
        from numpy.core.multiarray import _reconstruct, scalar
    dtype_classes = [type(np.dtype(code)) for code in '?bBhHiIlLqQefdgFDG']
    return [_reconstruct, scalar, np.ndarray, np.dtype, *dtype_classes]


def checkpoint_safe_globals() -> List[object]:
    """The globals this project's training checkpoints contain beyond tensors."""
    return [rebuild_history_buffer, *_numpy_globals()]


def allow_mmengine_checkpoints() -> None:
    """Pickle ``HistoryBuffer`` as plain data and allow-list what that needs."""
    copyreg.pickle(HistoryBuffer, _reduce_history_buffer)
    add_safe_globals = getattr(torch.serialization, 'add_safe_globals', None)
    if add_safe_globals is not None:  # torch < 2.4 has no weights-only default
        add_safe_globals(checkpoint_safe_globals())
