"""Per-sample randomness that depends only on (seed, epoch, sample index).

mmengine seeds numpy once per DataLoader worker, so the crop, rotation and
mask a sample gets depend on which worker handles it, how many workers there
are and how far their streams have advanced; none of that is in a checkpoint.
Here the sampler yields a :class:`SampleKey` instead of a bare index and the
dataset turns it into a generator of that sample alone, so a run resumed from
any checkpoint, or run with another ``num_workers``, draws exactly the same
numbers.
"""

from __future__ import annotations

from typing import Iterator, NamedTuple

import numpy as np
from mmaction.registry import DATA_SAMPLERS
from mmengine.dataset import DefaultSampler

PIPELINE_STREAM = 0


class SampleKey(NamedTuple):
    """What :class:`SeededSampler` yields: the run's seed, the epoch and the dataset index."""

    seed: int
    epoch: int
    index: int

    def generator(self) -> np.random.Generator:
        """The sample's pipeline generator (crop, rotation, mask)."""
        entropy = np.random.SeedSequence([self.seed, self.epoch, self.index, PIPELINE_STREAM])
        return np.random.Generator(np.random.PCG64(entropy))


@DATA_SAMPLERS.register_module()
class SeededSampler(DefaultSampler):
    """mmengine's ``DefaultSampler`` order, yielding ``SampleKey(seed, epoch, index)``.

    Same shuffling (seeded by seed + epoch), padding and rank split as
    ``DefaultSampler``; the epoch comes from ``set_epoch`` (called by
    ``DistSamplerSeedHook``) in the main process, so it is right with any
    number of workers, persistent or not. The dataset must accept sample keys
    (the plugin's datasets do, see :class:`SeededSampleMixin`).

    ``skip(n)`` leaves out the first ``n`` samples of the current epoch (until the
    next ``set_epoch``): a run resumed from a checkpoint saved mid-epoch continues
    where it stopped.
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
    """Dataset side of :class:`SeededSampler`: ``dataset[SampleKey]`` is reproducible.

    For a key, ``results['rng']`` holds the sample's generator during the pipeline (the
    random transforms draw from it). A plain int index behaves as in mmengine (numpy's
    global state).
    """

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
