"""Writing checkpoints that survive kills and load with ``torch.load(weights_only=True)``.

mmengine 0.10 writes with ``open(path, 'wb')`` (a kill leaves a partial file) and pickles
``HistoryBuffer`` / numpy objects, which weights-only loading refuses.
"""

from typing import Any

import numpy as np
import torch
from mmengine.fileio import LocalBackend, register_backend
from mmengine.logging import HistoryBuffer

from ...utils.atomic_file import atomic_write_bytes

BACKEND_NAME = 'atomic_local'
TAG = '__portable__'


@register_backend(BACKEND_NAME)
class AtomicLocalBackend(LocalBackend):
    """``LocalBackend`` whose ``put`` / ``put_text`` never leave a partial file."""

    def put(self, obj: bytes, filepath) -> None:
        atomic_write_bytes(filepath, obj)

    def put_text(self, obj: str, filepath, encoding: str = 'utf-8') -> None:
        atomic_write_bytes(filepath, obj.encode(encoding))


def to_portable(value: Any) -> Any:
    """``value`` with each ``HistoryBuffer`` and numeric numpy value a ``TAG``-ged dict of
    tensors, other numpy values Python lists / scalars; containers element-wise."""
    if isinstance(value, HistoryBuffer):
        logs, counts = (torch.from_numpy(np.array(data)) for data in value.data)
        return {TAG: 'HistoryBuffer', 'log_history': logs, 'count_history': counts,
                'max_length': int(value.max_length)}  # fmt: skip
    if isinstance(value, (np.ndarray, np.generic)):
        array = np.array(value)
        if array.dtype.kind not in 'biufc':  # strings, objects: plain Python values
            return to_portable(array.tolist())
        kind = 'ndarray' if isinstance(value, np.ndarray) else 'numpy_scalar'
        return {TAG: kind, 'data': torch.from_numpy(array)}
    return _map(value, to_portable)


def from_portable(value: Any) -> Any:
    """Inverse of :func:`to_portable`."""
    kind = value.get(TAG) if isinstance(value, dict) else None
    if kind == 'HistoryBuffer':
        logs, counts = (value[key].numpy().copy() for key in ('log_history', 'count_history'))
        return HistoryBuffer(logs, counts, value['max_length'])
    if kind in ('ndarray', 'numpy_scalar'):
        array = value['data'].numpy().copy()
        return array if kind == 'ndarray' else array[()]
    if kind is not None:
        raise ValueError(f'unknown portable checkpoint entry {kind!r}')
    return _map(value, from_portable)


def _map(value: Any, convert) -> Any:
    """``convert`` on each element of a dict / list / tuple (not named tuples)."""
    if isinstance(value, dict):
        return type(value)((key, convert(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)) and not hasattr(value, '_fields'):
        return type(value)(convert(item) for item in value)
    return value
