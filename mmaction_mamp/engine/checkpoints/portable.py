"""The message hub as plain data, so checkpoints load with ``weights_only=True`` anywhere.

mmengine stores its message hub in checkpoints: ``HistoryBuffer`` objects (pickled with
their statistics methods) and numpy values, which ``torch.load(weights_only=True)``
refuses. :func:`to_portable` writes them as tensors and plain containers tagged with a
``'__portable__'`` entry; :func:`from_portable` turns them back into the objects on load.
Nothing from this package is needed to read the result.
"""

from typing import Any

import numpy as np
import torch
from mmengine.logging import HistoryBuffer

TAG = '__portable__'


def to_portable(value: Any) -> Any:
    """``value`` with every ``HistoryBuffer`` and numpy value made plain data.

    A ``HistoryBuffer`` becomes ``{TAG: 'HistoryBuffer', 'log_history': tensor (L,),
    'count_history': tensor (L,), 'max_length': int}``; a numeric numpy array or scalar a
    tagged tensor keeping its dtype; other numpy values Python lists / scalars. Containers
    are converted element-wise; everything else is returned as it is.
    """
    if isinstance(value, HistoryBuffer):
        logs, counts = value.data
        return {
            TAG: 'HistoryBuffer',
            'log_history': torch.from_numpy(np.array(logs)),
            'count_history': torch.from_numpy(np.array(counts)),
            'max_length': int(value.max_length),
        }
    if isinstance(value, (np.ndarray, np.generic)):
        array = np.array(value)
        if array.dtype.kind not in 'biufc':  # strings, objects: plain Python values
            return to_portable(array.tolist())
        kind = 'ndarray' if isinstance(value, np.ndarray) else 'numpy_scalar'
        return {TAG: kind, 'data': torch.from_numpy(array)}
    return _map(value, to_portable)


def from_portable(value: Any) -> Any:
    """Inverse of :func:`to_portable`: the tagged entries become objects again."""
    kind = value.get(TAG) if isinstance(value, dict) else None
    if kind == 'HistoryBuffer':
        return HistoryBuffer(
            value['log_history'].numpy().copy(),
            value['count_history'].numpy().copy(),
            value['max_length'],
        )
    if kind in ('ndarray', 'numpy_scalar'):
        array = value['data'].numpy().copy()
        return array if kind == 'ndarray' else array[()]
    if kind is not None:
        raise ValueError(f'unknown portable checkpoint entry {kind!r}')
    return _map(value, from_portable)


def _map(value: Any, convert) -> Any:
    """``convert`` applied to each element of a dict / list / tuple (not named tuples)."""
    if isinstance(value, dict):
        return type(value)((key, convert(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)) and not hasattr(value, '_fields'):
        return type(value)(convert(item) for item in value)
    return value
