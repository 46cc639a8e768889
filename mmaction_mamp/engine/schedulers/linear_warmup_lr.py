"""The MAE / MAMP linear lr warm-up, which reaches the peak at its ``end``."""

from mmaction.registry import PARAM_SCHEDULERS
from mmengine.optim.scheduler import LinearLR


@PARAM_SCHEDULERS.register_module()
class LinearWarmupLR(LinearLR):
    """Linear warm-up: lr x ``start_factor`` at ``begin`` to lr x ``end_factor`` at ``end``.

    The warm-up of the MAE / MAMP scripts over W steps sets ``lr * i / W`` at step
    ``i < W``, and the scheduler that follows starts from the full lr at step W.
    mmengine 0.10's ``LinearLR`` spreads its ramp over ``end - begin - 1`` steps (it
    reaches the peak one step early, at ``end - 1``) and cannot start from 0 (its chained
    update divides by ``start_factor``). This scheduler ramps over ``end - begin`` steps,
    also sets the value at step ``end`` (so the next scheduler, chained from the current
    lr, starts at the peak), and computes each value from the group's initial lr
    (``initial_lr``: layer-decayed groups keep their scale), so ``start_factor=0`` works.
    With ``convert_to_iter_based=True``, ``begin`` and ``end`` are epochs.

    Args:
        optimizer: Wrapped optimizer.
        start_factor: lr multiplier at ``begin``, in [0, 1]. Defaults to 0.
        end_factor: lr multiplier at ``end``, in [0, 1]. Defaults to 1.
        begin: First step of the ramp. Defaults to 0.
        end: Step at which the ramp reaches ``end_factor`` (required).
        **kwargs: ``last_step``, ``by_epoch``, ``verbose`` of ``LinearLR``.
    """

    def __init__(
        self,
        optimizer,
        start_factor: float = 0.0,
        end_factor: float = 1.0,
        begin: int = 0,
        end: int = None,
        **kwargs,
    ) -> None:
        if end is None:
            raise ValueError('LinearWarmupLR needs `end`, the step of the peak')
        # mmengine's range is [begin, end): one more step sets the peak at `end`
        super().__init__(
            optimizer,
            start_factor=start_factor,
            end_factor=end_factor,
            begin=begin,
            end=end + 1,
            **kwargs,
        )

    def _get_value(self) -> list:
        """Closed form: initial lr x (start + (end - start) x step / ramp length)."""
        progress = self.last_step / self.total_iters  # total_iters = end - begin steps
        factor = self.start_factor + (self.end_factor - self.start_factor) * progress
        return [base * factor for base in self.base_values]
