"""Parameter schedulers: the MAE / MAMP linear lr warm-up, which peaks at its ``end``."""

from mmaction.registry import PARAM_SCHEDULERS
from mmengine.optim.scheduler import LinearLR


@PARAM_SCHEDULERS.register_module()
class LinearWarmupLR(LinearLR):
    """Linear warm-up: lr x ``start_factor`` at ``begin`` to lr x ``end_factor`` at ``end``.

    As the MAE / MAMP scripts (``lr * i / W`` at step ``i < W``, the full lr at W), unlike
    mmengine 0.10's ``LinearLR``, which peaks at ``end - 1`` and cannot start from 0 (its
    chained update divides by ``start_factor``): values come from each group's initial lr
    (layer-decayed groups keep their scale), the one at ``end`` included. ``**kwargs``:
    ``LinearLR``'s ``last_step``, ``by_epoch``, ``verbose``, ``convert_to_iter_based``.
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
