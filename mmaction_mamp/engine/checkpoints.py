"""A run's checkpoints: atomic, free of non-finite weights, readable weights-only, resumed on
the config's schedule. mmengine 0.10 writes with ``open(path, 'wb')`` (a kill leaves a
partial file), pickles ``HistoryBuffer`` / numpy objects (weights-only loading refuses them),
and resumes the saved schedule (a raised ``max_epochs`` freezes the lr where it ended)."""

import warnings
from typing import Any, Iterable, List, Optional, Tuple

import numpy as np
import torch
from mmengine.fileio import LocalBackend, register_backend
from mmengine.logging import HistoryBuffer
from mmengine.model import is_model_wrapper
from torch import nn

from ..utils.atomic_file import atomic_write_bytes
from ..utils.required_files import (  # noqa: F401  (importable from here too)
    is_remote,
    load_checkpoint_weights_only,
    newest_readable_checkpoint,
    require_classifier,
    require_fit,
)

#: The checkpoint ``PreemptionHook`` writes after iteration N.
PREEMPTED_TEMPLATE = 'preempted_iter_{}.pth'
BACKEND_NAME = 'atomic_local'
TAG = '__portable__'
#: Scheduler state entries that record progress; every other entry is a setting.
PROGRESS = ('last_step', '_global_step', '_last_value')


def unwrap(model: nn.Module) -> nn.Module:
    """The model inside a DDP-style wrapper."""
    return model.module if is_model_wrapper(model) else model


def non_finite(named: Iterable[Tuple[str, torch.Tensor]]) -> List[str]:
    """Names of the floating-point tensors holding a NaN or an infinity (one device sync
    when all are finite)."""
    named = [(name, t) for name, t in named if torch.is_tensor(t) and t.is_floating_point()]
    if not named or bool(torch.stack([torch.isfinite(t).all() for _, t in named]).all()):
        return []
    return [name for name, t in named if not bool(torch.isfinite(t).all())]


def non_finite_weights(model: nn.Module) -> List[str]:
    """:func:`non_finite` of the parameters and buffers."""
    return non_finite(unwrap(model).state_dict().items())


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


def _flat(schedulers) -> list:
    groups = schedulers.values() if isinstance(schedulers, dict) else [schedulers]
    return [scheduler for group in groups for scheduler in group]


def follow_config_schedule(runner, checkpoint: dict) -> Optional[str]:
    """When the built schedulers differ from the saved ones in a setting, step them as
    ``ParamSchedulerHook`` steps a run up to the checkpoint's iteration and put their states
    and optimizer settings (with an ``OptimWrapperDict`` only the states) in ``checkpoint``;
    returns what changed, to log, or None."""
    saved, built = checkpoint.get('param_schedulers'), runner.param_schedulers
    current = _flat(built or [])
    if not saved or not current or not hasattr(current[0], 'state_dict'):
        return None
    settings = [{k: v for k, v in s.items() if k not in PROGRESS} for s in _flat(saved)]
    if settings == [
        {k: v for k, v in s.state_dict().items() if k not in PROGRESS} for s in current
    ]:
        return None
    iters, per_epoch = checkpoint['meta']['iter'], len(runner.train_dataloader)
    with warnings.catch_warnings():  # stepping before any optimizer step is the point here
        warnings.simplefilter('ignore')
        for step in range(1, iters + 1):  # after_train_iter, then after_train_epoch
            for by_epoch in (False, True)[: 1 + (step % per_epoch == 0)]:
                for scheduler in (s for s in current if s.by_epoch == by_epoch):
                    scheduler.step()
    states = iter([s.state_dict() for s in current])
    if isinstance(saved, dict):
        checkpoint['param_schedulers'] = {k: [next(states) for _ in v] for k, v in built.items()}
    else:
        checkpoint['param_schedulers'] = list(states)
    groups = runner.optim_wrapper.param_groups  # one optimizer (not an OptimWrapperDict)
    for saved_group, group in zip(checkpoint.get('optimizer', {}).get('param_groups', []), groups):
        saved_group.update({k: v for k, v in group.items() if k != 'params'})
    lrs = ', '.join(f'{lr:.4e}' for lr in sorted({g['lr'] for g in groups if isinstance(g, dict)}))
    return (
        f"the config's param_scheduler differs from the checkpoint's: resuming on the "
        f"config's schedule at iteration {iters} (lr {lrs})"
    )
