"""Samplers: per-sample seeds for exact resume, and a fixed global batch."""

from __future__ import annotations

from typing import Iterator, NamedTuple, Optional

import numpy as np
from mmaction.registry import DATA_SAMPLERS
from mmengine.dataset import DefaultSampler
from mmengine.dist import get_world_size
from mmengine.logging import print_log
from torch.utils.data import BatchSampler, Sampler

from ..utils.errors import RunConfigError


class SampleKey(NamedTuple):
    """What :class:`SeededSampler` yields: the run's seed, the epoch and the dataset index."""

    seed: int
    epoch: int
    index: int

    def generator(self) -> np.random.Generator:
        """The sample's pipeline generator (crop, rotation, mask)."""
        entropy = np.random.SeedSequence([self.seed, self.epoch, self.index, 0])  # 0: pipeline
        return np.random.Generator(np.random.PCG64(entropy))


@DATA_SAMPLERS.register_module()
class SeededSampler(DefaultSampler):
    """mmengine's ``DefaultSampler`` order, yielding ``SampleKey(seed, epoch, index)``.

    mmengine seeds numpy once per DataLoader worker, so a sample's draws depend on the
    worker and its stream, which no checkpoint holds. Here each sample draws from a
    generator of (seed, epoch, index) alone (:class:`SeededSampleMixin`): a resumed run, or
    one with another ``num_workers``, draws the same numbers. ``skip(n)`` leaves out the
    first ``n`` samples of the current epoch (until the next ``set_epoch``).
    """

    def __init__(self, dataset, *args, **kwargs) -> None:
        if not getattr(dataset, 'accepts_sample_keys', False):
            raise TypeError(
                f'SeededSampler needs a dataset that accepts SampleKey indices '
                f'(SafePoseDataset, SyntheticSkeletonDataset, ...), got '
                f'{type(dataset).__name__}; use DefaultSampler with it instead'
            )
        super().__init__(dataset, *args, **kwargs)
        self._skip = 0

    def set_epoch(self, epoch: int) -> None:
        """Select the epoch (its shuffle and sample keys); clears any skip."""
        super().set_epoch(epoch)
        self._skip = 0

    def skip(self, num_samples: int) -> None:
        """Start the current epoch at its ``num_samples``-th sample (this rank's count)."""
        if not 0 <= num_samples <= self.num_samples:
            raise ValueError(f'cannot skip {num_samples} of {self.num_samples} samples')
        self._skip = num_samples

    def __iter__(self) -> Iterator[SampleKey]:
        seed, epoch = self.seed, self.epoch
        indices = list(super().__iter__())[self._skip :]
        return (SampleKey(seed, epoch, index) for index in indices)

    def __len__(self) -> int:
        return self.num_samples - self._skip


class SeededSampleMixin:
    """Dataset side of :class:`SeededSampler`: for a ``SampleKey``, ``results['rng']`` is
    the sample's generator during the pipeline; a plain int index behaves as in mmengine."""

    accepts_sample_keys = True

    def __getitem__(self, key):
        if not isinstance(key, SampleKey):
            return super().__getitem__(key)
        self.full_init()  # returns at once once the dataset is loaded (mmengine's contract)
        results = self.get_data_info(key.index)
        results['rng'] = key.generator()
        packed = self.pipeline(results)
        if packed is None:
            raise RuntimeError(
                f'the pipeline dropped sample {key.index} '
                f'({results.get("frame_dir", "unnamed")}); skeleton pipelines must keep every '
                'sample, remove bad ones from the annotation file or use skip mode'
            )
        return packed


@DATA_SAMPLERS.register_module()
class GlobalBatchSampler(BatchSampler):
    """Batches of ``global_batch_size / world_size`` samples per process: MAMP's recipes keep
    their sequences per optimizer step on any process count (8 x 16, 4 x 32, 1 x 128).

    Args:
        sampler: the index sampler (e.g. ``SeededSampler``), built by mmengine.
        batch_size: the dataloader's ``batch_size`` (passed by mmengine; None in MAMP configs).
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
        if (batch_size is None) == (global_batch_size is None):
            raise RunConfigError(
                f'train_dataloader.batch_size={batch_size} and batch_sampler.global_batch_size='
                f"{global_batch_size}: set exactly one (global_batch_size keeps the recipe's "
                'sequences per step on any process count; batch_size is per process)'
            )
        if batch_size is None and (global_batch_size < 1 or global_batch_size % world_size):
            raise RunConfigError(
                f'global batch {global_batch_size} cannot be split evenly over {world_size} '
                'processes; use a process count that divides it, or set '
                'train_dataloader.batch_sampler.global_batch_size (and lr with it)'
            )
        per_process = global_batch_size // world_size if batch_size is None else batch_size
        super().__init__(sampler, per_process, drop_last)
        self.global_batch_size = per_process * world_size
        if drop_last and len(sampler) < per_process:
            dataset = getattr(sampler, 'dataset', None)
            total = len(dataset) if dataset is not None else len(sampler) * world_size
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
