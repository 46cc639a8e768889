"""A run's checkpoints: atomic, free of non-finite weights, resumed on the config's schedule.
mmengine 0.10 writes with ``open(path, 'wb')`` (a kill leaves a partial file) and resumes
the saved schedule (a raised ``max_epochs`` freezes the lr where it ended)."""

import warnings
from typing import Iterable, List, Optional, Tuple

import torch
from mmengine.fileio import LocalBackend, register_backend
from mmengine.model import is_model_wrapper
from torch import nn

from ..utils.atomic_file import atomic_write_bytes
from ..utils.checkpoint_files import (  # noqa: F401  (importable from here too)
    from_portable,
    is_remote,
    load_checkpoint_weights_only,
    newest_readable_checkpoint,
    require_classifier,
    require_fit,
    to_portable,
)

#: The checkpoint ``PreemptionHook`` writes after iteration N.
PREEMPTED_TEMPLATE = 'preempted_iter_{}.pth'
BACKEND_NAME = 'atomic_local'
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


@register_backend(BACKEND_NAME)
class AtomicLocalBackend(LocalBackend):
    """``LocalBackend`` whose ``put`` / ``put_text`` never leave a partial file."""

    def put(self, obj: bytes, filepath) -> None:
        atomic_write_bytes(filepath, obj)

    def put_text(self, obj: str, filepath, encoding: str = 'utf-8') -> None:
        atomic_write_bytes(filepath, obj.encode(encoding))


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
