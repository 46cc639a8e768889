"""Resuming into a changed schedule: the config's schedule, not the checkpoint's.

mmengine's ``Runner.resume`` (0.10) loads the saved scheduler states whole (``end``,
``T_max``, base lrs): resumed with a raised ``train_cfg.max_epochs``, the lr freezes where
the old schedule ended. :func:`follow_config_schedule` runs from ``after_load_checkpoint``.
"""

import warnings
from typing import Optional

#: Scheduler state entries that record progress; every other entry is a setting.
PROGRESS = ('last_step', '_global_step', '_last_value')


def _flat(schedulers) -> list:
    groups = schedulers.values() if isinstance(schedulers, dict) else [schedulers]
    return [scheduler for group in groups for scheduler in group]


def follow_config_schedule(runner, checkpoint: dict) -> Optional[str]:
    """Make the checkpoint's scheduler states those of the config's schedule at its step.

    When the config's (built) schedulers differ from the saved ones in a setting, they are
    stepped as ``ParamSchedulerHook`` steps a fresh run up to the checkpoint's iteration;
    their states and the optimizer settings they give replace the saved ones (with an
    ``OptimWrapperDict`` only the states). Returns what changed, to log, or None.
    """
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
