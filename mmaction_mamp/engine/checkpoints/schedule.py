"""Resuming into a changed schedule: the config's schedule, not the checkpoint's.

mmengine's ``Runner.resume`` loads every saved scheduler state whole, ``end`` / ``T_max``
/ base learning rates included: resumed with ``train_cfg.max_epochs`` raised, a run keeps
the old schedule (the lr freezes where it ended). :func:`follow_config_schedule` runs
from ``after_load_checkpoint``, before the runner reads the states.
"""

import warnings
from typing import Optional

#: Scheduler state entries that record progress; every other entry is a setting.
PROGRESS = ('last_step', '_global_step', '_last_value')


def _flat(schedulers) -> list:
    return [
        s
        for group in (schedulers.values() if isinstance(schedulers, dict) else [schedulers])
        for s in group
    ]


def follow_config_schedule(runner, checkpoint: dict) -> Optional[str]:
    """Make the checkpoint's scheduler states those of the config's schedule at its step.

    When the config's schedulers (built, not yet stepped) differ from the saved ones in
    any setting, they are stepped as ``ParamSchedulerHook`` steps a fresh run up to the
    checkpoint's ``meta`` epoch / iteration, and their states and the optimizer settings
    they give (lr, ...) replace the saved ones: the resumed run has the learning rates of
    a fresh run of the new schedule (one optimizer; with an ``OptimWrapperDict`` only the
    scheduler states are replaced).

    Returns:
        What changed, to log; None when the schedules agree.
    """
    saved, built = checkpoint.get('param_schedulers'), runner.param_schedulers
    current = _flat(built or [])
    if not saved or not current or not hasattr(current[0], 'state_dict'):
        return None
    unchanged = [{k: v for k, v in s.items() if k not in PROGRESS} for s in _flat(saved)]
    if unchanged == [
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
    lrs = sorted({group['lr'] for group in groups if isinstance(group, dict)})
    return (
        f"the config's param_scheduler differs from the checkpoint's: resuming on the "
        f"config's schedule at iteration {iters} (lr {', '.join(f'{lr:.4e}' for lr in lrs)})"
    )
