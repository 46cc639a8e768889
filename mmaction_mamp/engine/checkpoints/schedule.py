"""Resuming into a changed schedule: the config's, not the checkpoint's (mmengine 0.10's
``Runner.resume`` loads the saved scheduler settings: with a raised ``max_epochs`` the lr
freezes where the old schedule ended)."""

import warnings
from typing import Optional

#: Scheduler state entries that record progress; every other entry is a setting.
PROGRESS = ('last_step', '_global_step', '_last_value')


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
