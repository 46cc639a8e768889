"""Stop a run whose loss, gradient norm or weights are no longer finite."""

from typing import Optional, Tuple

import torch
from mmaction.registry import HOOKS
from mmengine.dist import all_reduce, get_world_size
from mmengine.hooks import Hook

from ...utils.errors import TrainingDiverged
from ..checkpoints import non_finite, unwrap


@HOOKS.register_module()
class DivergenceGuardHook(Hook):
    """Raise :class:`TrainingDiverged` after an iteration, before the hooks that save, on
    non-finite weights at once, on a non-finite loss (or ``train/grad_norm``) after
    ``patience`` such iterations in a row; all ranks stop together."""

    priority = 'ABOVE_NORMAL'

    def __init__(self, patience: int = 0) -> None:
        if patience < 0:
            raise ValueError(f'patience must be >= 0, got {patience}')
        self.patience = patience
        self._bad_in_a_row = 0
        self._last_finite: Optional[Tuple[int, float]] = None  # (iteration, loss)

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        hub, values = runner.message_hub, {'loss': (outputs or {}).get('loss')}
        if 'train/grad_norm' in hub.log_scalars:
            values['gradient norm'] = hub.get_scalar('train/grad_norm').current()
        values = {k: torch.as_tensor(v).detach().float().mean()
                  for k, v in values.items() if v is not None}  # fmt: skip
        bad = non_finite(values.items())
        weights = non_finite(unwrap(runner.model).state_dict().items())  # parameters, buffers
        if get_world_size() > 1:  # every rank stops at the same iteration
            flag = torch.tensor([2.0 if weights else 1.0 if bad else 0.0])
            all_reduce(flag, op='max')
            weights = weights or ['on another rank'] * (flag.item() > 1)
            bad = bad or ['another rank'] * (flag.item() > 0)
        if weights:
            self._stop(runner, f'{len(weights)} weight tensor(s) hold NaN or infinity '
                               f'(first: {weights[0]})')  # fmt: skip
        self._bad_in_a_row = self._bad_in_a_row + 1 if bad else 0
        if not bad and 'loss' in values:
            self._last_finite = (runner.iter + 1, float(values['loss']))
        if self._bad_in_a_row > self.patience:
            what = (f'{k} {float(values[k])}' if k in values else k for k in bad)
            self._stop(runner, ' and '.join(what))

    def _stop(self, runner, what: str) -> None:
        where = f'training diverged: {what} at iteration {runner.iter + 1}'
        if self._last_finite is None:
            raise TrainingDiverged(
                f'{where}, the first one checked; before any update this points at the data or '
                'the masking: check the clips (huge or non-finite coordinates) and '
                'MotionAwareMasking (mask_ratio, tau)'
            )
        in_a_row = f' ({self._bad_in_a_row} in a row)' if self._bad_in_a_row > 1 else ''
        raise TrainingDiverged(
            f'{where}{in_a_row}; last finite loss {self._last_finite[1]:.4g} at iteration '
            f'{self._last_finite[0]}. Lower the learning rate (optim_wrapper.optimizer.lr) or '
            'clip gradients (optim_wrapper.clip_grad=dict(max_norm=1.0)), then resume from the '
            'last checkpoint (no checkpoint of the diverged weights was written)'
        )
