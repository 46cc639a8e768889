"""The MAE/MAMP learning-rate schedule: linear warm-up from 0, then half-cycle cosine."""

import math
from typing import List

from mmaction.registry import PARAM_SCHEDULERS
from mmengine.optim.scheduler.lr_scheduler import LRSchedulerMixin
from mmengine.optim.scheduler.param_scheduler import INF, _ParamScheduler


@PARAM_SCHEDULERS.register_module()
class WarmupCosineLR(LRSchedulerMixin, _ParamScheduler):
    """Closed-form warm-up + cosine schedule of the official MAMP scripts.

    With ``s`` steps since ``begin``, ``W`` warm-up steps and ``S = end - begin``
    steps in all, every parameter group's lr is ``initial_lr * f(s)``::

        f(s) = s / W                                            if s < W
        f(s) = r + (1 - r) * 0.5 * (1 + cos(pi * (s - W) / (S - W)))  otherwise

    where ``r = eta_min_ratio`` (min lr / peak lr). Scaling every group's own
    initial lr keeps layer-wise lr decay exactly as the official code, which
    multiplies the scheduled lr by each group's scale. Configure it by epoch
    with ``convert_to_iter_based=True`` to update every iteration as the paper.

    Args:
        optimizer: wrapped optimizer.
        warmup_length: warm-up length in epochs (``by_epoch``) or iterations.
        eta_min_ratio: final lr as a fraction of the peak lr.
        begin / end: range of the schedule; ``end`` is required.
    """

    def __init__(
        self,
        optimizer,
        warmup_length: int,
        eta_min_ratio: float = 0.0,
        begin: int = 0,
        end: int = INF,
        last_step: int = -1,
        by_epoch: bool = True,
        verbose: bool = False,
    ) -> None:
        if end == INF:
            raise ValueError('WarmupCosineLR needs a finite `end` (the total length)')
        if not 0 <= warmup_length < end - begin:
            raise ValueError(f'warmup_length {warmup_length} must lie in [0, {end - begin})')
        self.warmup_length = warmup_length
        self.eta_min_ratio = eta_min_ratio
        super().__init__(
            optimizer,
            begin=begin,
            end=end,
            last_step=last_step,
            by_epoch=by_epoch,
            verbose=verbose,
        )

    @classmethod
    def build_iter_from_epoch(
        cls,
        *args,
        warmup_length: int,
        begin: int = 0,
        end: int = INF,
        by_epoch: bool = True,
        epoch_length: int = None,
        **kwargs,
    ) -> 'WarmupCosineLR':
        """Convert an epoch-based config to per-iteration steps."""
        if not by_epoch or not epoch_length:
            raise ValueError('convert_to_iter_based needs by_epoch=True and an epoch length')
        return cls(
            *args,
            warmup_length=warmup_length * epoch_length,
            begin=int(begin * epoch_length),
            end=int(end * epoch_length) if end != INF else INF,
            by_epoch=False,
            **kwargs,
        )

    def factor(self, step: int) -> float:
        """f(step) of the class docstring."""
        if step < self.warmup_length:
            return step / self.warmup_length
        progress = (step - self.warmup_length) / (self.end - self.begin - self.warmup_length)
        cosine = 0.5 * (1.0 + math.cos(math.pi * progress))
        return self.eta_min_ratio + (1.0 - self.eta_min_ratio) * cosine

    def _get_value(self) -> List[float]:
        return [base * self.factor(self.last_step) for base in self.base_values]
