"""Checkpoints as plain data: loadable with ``weights_only=True`` anywhere.

mmengine checkpoints carry the message hub (logging buffers and runtime
information for ``--resume``). Its ``HistoryBuffer`` objects pickle their
statistics methods through ``getattr`` and its runtime information holds numpy
scalars, so ``torch.load(path, weights_only=True)`` (the default since torch 2.6)
refuses such files. Instead of changing how anything pickles, the message hub is
written as tensors and plain containers, each converted object tagged with a
``'__portable__'`` entry, and turned back into the original objects on load
(:class:`~mmaction_mamp.engine.hooks.SafeCheckpointHook` does both). Nothing
from this package is needed to read the result.
"""

from typing import Any

import numpy as np
import torch
from mmengine.logging.history_buffer import HistoryBuffer

TAG = '__portable__'
# numpy dtype kinds a tensor holds exactly: bool, signed / unsigned int, float, complex
_TENSOR_KINDS = 'biufc'


def to_portable(value: Any) -> Any:
    """``value`` with every ``HistoryBuffer`` and numpy value made plain data.

    Tensors, strings, numbers and ``None`` are returned as they are; dicts,
    lists and tuples are converted element-wise (dict order kept). A
    ``HistoryBuffer`` becomes ``{'__portable__': 'HistoryBuffer', 'log_history':
    float64 tensor (L,), 'count_history': tensor (L,), 'max_length': int}``, a
    numeric numpy array or scalar a tagged tensor with its dtype (other numpy
    values become Python lists / scalars).
    """
    if isinstance(value, HistoryBuffer):
        return {
            TAG: 'HistoryBuffer',
            'log_history': torch.from_numpy(np.array(value._log_history)),
            'count_history': torch.from_numpy(np.array(value._count_history)),
            'max_length': int(value.max_length),
        }
    if isinstance(value, (np.ndarray, np.generic)):
        array = np.array(value)
        if array.dtype.kind not in _TENSOR_KINDS:  # strings, objects: plain Python values
            return to_portable(array.tolist())
        kind = 'ndarray' if isinstance(value, np.ndarray) else 'numpy_scalar'
        return {TAG: kind, 'data': torch.from_numpy(array)}
    if isinstance(value, dict):
        return type(value)((key, to_portable(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)) and not hasattr(value, '_fields'):
        return type(value)(to_portable(item) for item in value)
    return value


def from_portable(value: Any) -> Any:
    """Inverse of :func:`to_portable`: the tagged entries become objects again."""
    if isinstance(value, dict) and TAG in value:
        kind = value[TAG]
        if kind == 'HistoryBuffer':
            return HistoryBuffer(
                value['log_history'].numpy().copy(),
                value['count_history'].numpy().copy(),
                value['max_length'],
            )
        if kind == 'ndarray':
            return value['data'].numpy().copy()
        if kind == 'numpy_scalar':
            return value['data'].numpy()[()]
        raise ValueError(f'unknown portable checkpoint entry {kind!r}')
    if isinstance(value, dict):
        return type(value)((key, from_portable(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)) and not hasattr(value, '_fields'):
        return type(value)(from_portable(item) for item in value)
    return value
