"""Checkpoints as plain data: loadable with ``weights_only=True`` anywhere.

mmengine checkpoints carry the message hub (logging buffers and runtime
information for ``--resume``). Its ``HistoryBuffer`` objects pickle their
statistics methods through ``getattr`` and its runtime information holds numpy
scalars, so ``torch.load(path, weights_only=True)`` (the default since torch 2.6)
refuses such files. Instead of changing how anything pickles, the message hub is
written as tensors and plain containers, each converted object tagged with a
``'__portable__'`` entry, and turned back into the original objects on load
(:class:`~mmaction_mamp.engine.hooks.PortableCheckpointHook` does both).
Nothing from this package is needed to read the result.

Checkpoints written by earlier versions of this plugin pickled ``HistoryBuffer``
through ``mmaction_mamp.utils.checkpoint_safety.rebuild_history_buffer``; they
are recognised without unpickling and converted with
``tools/model_converters/portable_checkpoint.py``.
"""

from pathlib import Path
from typing import Any, Dict, List, Union

import numpy as np
import torch
from mmengine.logging.history_buffer import HistoryBuffer

TAG = '__portable__'
#: The global earlier plugin versions pickled ``HistoryBuffer`` through.
LEGACY_BUFFER_GLOBAL = 'mmaction_mamp.utils.checkpoint_safety.rebuild_history_buffer'
# numpy dtype kinds a tensor holds exactly: bool, signed / unsigned int, float, complex
_TENSOR_KINDS = 'biufc'
UPGRADE_COMMAND = 'python tools/model_converters/portable_checkpoint.py {src} {dst}'


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


def unsafe_globals(path: Union[str, Path]) -> List[str]:
    """Globals a checkpoint needs beyond ``weights_only`` (read without unpickling)."""
    return list(torch.serialization.get_unsafe_globals_in_checkpoint(str(path)))


def is_legacy_checkpoint(path: Union[str, Path]) -> bool:
    """Whether ``path`` was written by an earlier plugin version (plugin-bound pickling)."""
    return LEGACY_BUFFER_GLOBAL in unsafe_globals(path)


def legacy_checkpoint_message(path: Union[str, Path]) -> str:
    """One line telling how to convert a legacy checkpoint."""
    path = str(path)
    stem, suffix = (path[:-4], '.pth') if path.endswith('.pth') else (path, '')
    command = UPGRADE_COMMAND.format(src=path, dst=f'{stem}_portable{suffix}')
    return (
        f'{path}: checkpoint in the old plugin-bound format (its logging buffers need '
        f'mmaction_mamp to unpickle); convert it once with: {command}'
    )


def load_legacy_checkpoint(path: Union[str, Path]) -> Dict[str, Any]:
    """Read an old-format checkpoint, allowing exactly the globals that format used.

    The allow-list is scoped to this call (``torch.serialization.safe_globals``):
    the legacy buffer function and numpy's array / scalar reconstructors. Any
    other global is refused by torch.
    """
    from .checkpoint_safety import legacy_safe_globals

    with torch.serialization.safe_globals(legacy_safe_globals()):
        return torch.load(str(path), map_location='cpu', weights_only=True)
