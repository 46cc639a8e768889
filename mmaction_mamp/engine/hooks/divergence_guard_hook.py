"""Stop a run whose loss (or gradient norm) is no longer finite."""

import math
from typing import Optional

import torch
from mmaction.registry import HOOKS
from mmengine.dist import all_reduce, get_world_size
from mmengine.hooks import Hook

from ...utils.errors import TrainingDiverged


@HOOKS.register_module()
class DivergenceGuardHook(Hook):
    """Raise :class:`TrainingDiverged` after too many non-finite iterations in a row.

    After every training iteration the loss, and the gradient norm when the optimizer
    wrapper clips gradients (it logs ``train/grad_norm`` then), are checked. With
    ``patience=0`` (default) the first non-finite value stops the run, on every rank at
    the same iteration; the message names the iteration, the last finite loss and the
    likely cause. No checkpoint of the diverged weights is written: the checkpoint hook
    (``SafeCheckpointHook``) refuses non-finite weights and keeps the earlier files.

    A larger ``patience`` tolerates that many consecutive bad iterations, for runs whose
    optimizer skips bad steps itself (mixed precision: ``AmpOptimWrapper``'s loss scaler
    skips steps with non-finite gradients). In fp32 a non-finite loss makes AdamW write
    NaN into the weights, so patience only delays the stop there.

    Args:
        patience: consecutive non-finite iterations tolerated before stopping.
    """

    priority = 'ABOVE_NORMAL'

    def __init__(self, patience: int = 0) -> None:
        if patience < 0:
            raise ValueError(f'patience must be >= 0, got {patience}')
        self.patience = patience
        self._bad_in_a_row = 0
        self._last_finite: Optional[tuple] = None  # (iteration, loss)

    def after_train_iter(self, runner, batch_idx: int, data_batch=None, outputs=None) -> None:
        loss = self._value((outputs or {}).get('loss'))
        grad_norm = None
        if 'train/grad_norm' in runner.message_hub.log_scalars:
            grad_norm = runner.message_hub.get_scalar('train/grad_norm').current()
        finite = all(v is None or math.isfinite(v) for v in (loss, grad_norm))
        if get_world_size() > 1:  # every rank stops at the same iteration
            flag = torch.tensor([0.0 if finite else 1.0])
            all_reduce(flag, op='max')
            finite = not bool(flag.item())
        if finite:
            self._bad_in_a_row = 0
            if loss is not None:
                self._last_finite = (runner.iter + 1, loss)
            return
        self._bad_in_a_row += 1
        if self._bad_in_a_row > self.patience:
            raise TrainingDiverged(self._message(runner.iter + 1, loss, grad_norm))

    @staticmethod
    def _value(value) -> Optional[float]:
        if value is None:
            return None
        return float(value.detach().float().mean()) if torch.is_tensor(value) else float(value)

    def _message(self, iteration: int, loss: Optional[float], grad_norm: Optional[float]) -> str:
        what = (
            f'loss {loss}'
            if loss is not None and not math.isfinite(loss)
            else (f'gradient norm {grad_norm}')
        )
        if self._last_finite is None:
            return (
                f'training diverged: {what} at iteration {iteration}, the first one checked; '
                'before any update this points at the data or the masking: check the clips '
                '(huge or non-finite coordinates) and MotionAwareMasking (mask_ratio, tau)'
            )
        last_iteration, last_loss = self._last_finite
        return (
            f'training diverged: {what} at iteration {iteration} '
            f'({self._bad_in_a_row} in a row); last finite loss {last_loss:.4g} at iteration '
            f'{last_iteration}. Lower the learning rate (optim_wrapper.optimizer.lr) or clip '
            'gradients (optim_wrapper.clip_grad=dict(max_norm=1.0)), then resume from the '
            'last checkpoint (no checkpoint of the diverged weights was written)'
        )
