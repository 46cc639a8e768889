"""A batch sampler that keeps a recipe's global batch on any number of processes."""

from __future__ import annotations

from typing import Optional

from mmaction.registry import DATA_SAMPLERS
from mmengine.dist import get_world_size
from mmengine.logging import print_log
from torch.utils.data import BatchSampler, Sampler

from ...utils.errors import RunConfigError


@DATA_SAMPLERS.register_module()
class GlobalBatchSampler(BatchSampler):
    """Batches of ``global_batch_size / world_size`` samples per process.

    MAMP's recipes were tuned for a fixed number of sequences per optimizer step
    (pre-training: 128 = 4 GPUs x 32). With this batch sampler the config states that
    global batch once and every process count keeps it (8 GPUs x 16, 4 x 32, 1 x 128),
    so lr and schedule need no rescaling; the split is logged when the dataloader is
    built. The last incomplete batch of an epoch is dropped, as in the official runs.

    Configs set ``batch_size=None`` in the dataloader. A number there is the
    per-process batch of the usual mmengine configs: it is accepted only with
    ``global_batch_size=None`` (the global batch is then that number x processes),
    never silently replaced.

    Args:
        sampler: the index sampler (e.g. ``SeededSampler``), built by mmengine.
        batch_size: the dataloader's ``batch_size`` (passed by mmengine).
        global_batch_size: sequences per optimizer step over all processes, or None.
        drop_last: drop the last incomplete batch (default True).

    Raises:
        RunConfigError: both or neither batch sizes are set, the global batch does not
            split evenly, or the dataset holds less than one global batch.
    """

    def __init__(
        self,
        sampler: Sampler,
        batch_size: Optional[int] = None,
        global_batch_size: Optional[int] = None,
        drop_last: bool = True,
    ) -> None:
        world_size = get_world_size()
        per_process = self.per_process_batch(batch_size, global_batch_size, world_size)
        super().__init__(sampler, per_process, drop_last)
        self.global_batch_size = per_process * world_size
        per_rank_samples = len(sampler)
        if drop_last and per_rank_samples < per_process:
            dataset = getattr(sampler, 'dataset', None)
            total = len(dataset) if dataset is not None else per_rank_samples * world_size
            raise RunConfigError(
                f'train_dataloader: the dataset holds {total} samples, fewer than one global '
                f'batch of {self.global_batch_size} ({world_size} process(es) x {per_process}); '
                'lower train_dataloader.batch_sampler.global_batch_size (and lr with it) or '
                'add data'
            )
        print_log(
            f'global batch {self.global_batch_size} = {world_size} process(es) x {per_process}, '
            f'{len(self)} iterations per epoch',
            logger='current',
        )

    @staticmethod
    def per_process_batch(
        batch_size: Optional[int], global_batch_size: Optional[int], world_size: int
    ) -> int:
        """This process's batch; see the class docstring for the rules."""
        if (batch_size is None) == (global_batch_size is None):
            raise RunConfigError(
                f'train_dataloader.batch_size={batch_size} and batch_sampler.global_batch_size='
                f"{global_batch_size}: set exactly one (global_batch_size keeps the recipe's "
                'sequences per step on any process count; batch_size is per process)'
            )
        if batch_size is not None:
            return batch_size
        if global_batch_size < 1 or global_batch_size % world_size:
            raise RunConfigError(
                f'global batch {global_batch_size} cannot be split evenly over {world_size} '
                'processes; use a process count that divides it, or set '
                'train_dataloader.batch_sampler.global_batch_size (and lr with it)'
            )
        return global_batch_size // world_size
