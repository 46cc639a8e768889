"""Per-sample randomness that depends only on (seed, epoch, sample index).

mmengine seeds numpy once per DataLoader worker, so the crop, rotation and
mask a sample gets depend on which worker handles it, how many workers there
are and how far their streams have advanced; none of that is in a checkpoint.
Here the sampler yields a :class:`SampleKey` instead of a bare index and the
dataset turns it into a generator of that sample alone, so a run resumed from
any epoch checkpoint, or run with another ``num_workers``, draws exactly the
same numbers.
"""

from __future__ import annotations

import ctypes
import os
import signal
import sys
from typing import Iterator, List, NamedTuple

import numpy as np
import torch
from mmaction.registry import DATA_SAMPLERS
from mmengine.dataset import DefaultSampler

PIPELINE_STREAM, MODEL_STREAM = 0, 1
_PR_SET_PDEATHSIG = 1


class SampleKey(NamedTuple):
    """What :class:`SeededSampler` yields: the run's seed, the epoch and the dataset index."""

    seed: int
    epoch: int
    index: int

    def generator(self) -> np.random.Generator:
        """The sample's pipeline generator (crop, rotation, mask)."""
        return np.random.Generator(np.random.PCG64(self._stream(PIPELINE_STREAM)))

    def model_seed(self) -> int:
        """A 63-bit seed for random draws the model makes for this sample."""
        state = self._stream(MODEL_STREAM).generate_state(1, np.uint64)[0]
        return int(state >> np.uint64(1))

    def _stream(self, stream: int) -> np.random.SeedSequence:
        return np.random.SeedSequence([self.seed, self.epoch, self.index, stream])


def batch_generator(sample_seeds: List[int], device: torch.device) -> torch.Generator:
    """One torch generator for a batch, seeded by its samples' ``model_seed`` values in order.

    The batch is fixed by the sampler (seed, epoch, batch size, world size), so the
    draws do not depend on the DataLoader workers or on where the run was resumed.
    """
    seed = np.random.SeedSequence(sample_seeds).generate_state(1, np.uint64)[0]
    return torch.Generator(device=device).manual_seed(int(seed))


@DATA_SAMPLERS.register_module()
class SeededSampler(DefaultSampler):
    """mmengine's ``DefaultSampler`` order, yielding ``SampleKey(seed, epoch, index)``.

    Same shuffling (seeded by seed + epoch), padding and rank split as
    ``DefaultSampler``; the epoch comes from ``set_epoch`` (called by
    ``DistSamplerSeedHook``) in the main process, so it is right with any
    number of workers, persistent or not. The dataset must accept sample keys
    (the plugin's datasets do, see :class:`SeededSampleMixin`).
    """

    def __init__(self, dataset, *args, **kwargs) -> None:
        if not getattr(dataset, 'accepts_sample_keys', False):
            raise TypeError(
                f'SeededSampler needs a dataset that accepts SampleKey indices '
                f'(SafePoseDataset, SyntheticSkeletonDataset, ...), got '
                f'{type(dataset).__name__}; use DefaultSampler with it instead'
            )
        super().__init__(dataset, *args, **kwargs)

    def __iter__(self) -> Iterator[SampleKey]:
        epoch = self.epoch
        return (SampleKey(self.seed, epoch, index) for index in super().__iter__())


def die_with_parent() -> None:
    """Ask Linux to SIGKILL this process when its parent dies (no-op elsewhere).

    Keeps DataLoader workers from outliving a main process that was killed
    with SIGKILL (pre-emption, OOM killer), which otherwise leaves them holding
    memory and file handles.
    """
    if not sys.platform.startswith('linux'):
        return
    libc = ctypes.CDLL(None, use_errno=True)
    libc.prctl(_PR_SET_PDEATHSIG, signal.SIGKILL)


class SeededSampleMixin:
    """Dataset side of :class:`SeededSampler`: ``dataset[SampleKey]`` is reproducible.

    For a key, ``results['rng']`` holds the sample's generator during the
    pipeline (the random transforms draw from it) and the packed data sample's
    metainfo gets ``sample_seed`` (the model's own mask sampler uses it).
    A plain int index behaves as in mmengine (numpy's global state). In a
    DataLoader worker the first item also makes the worker die with the main
    process.
    """

    accepts_sample_keys = True
    _worker_armed_pid = None

    def __getitem__(self, key):
        self._arm_worker()
        if not isinstance(key, SampleKey):
            return super().__getitem__(key)
        if not self._fully_initialized:
            self.full_init()
        results = self.get_data_info(key.index)
        results['rng'] = key.generator()
        packed = self.pipeline(results)
        if packed is None:
            raise RuntimeError(
                f'the pipeline dropped sample {key.index} '
                f'({results.get("frame_dir", "unnamed")}); skeleton pipelines must keep every '
                'sample, remove bad ones from the annotation file or use skip mode'
            )
        data_sample = packed.get('data_samples')
        if data_sample is not None:
            data_sample.set_metainfo(dict(sample_seed=key.model_seed()))
        return packed

    def _arm_worker(self) -> None:
        pid = os.getpid()
        if SeededSampleMixin._worker_armed_pid != pid and torch.utils.data.get_worker_info():
            die_with_parent()
            SeededSampleMixin._worker_armed_pid = pid
