"""SeededSampler (per-sample seeds, mid-epoch skip) and GlobalBatchSampler (fixed global batch)."""

import numpy as np
import pytest
from mmengine.dataset import DefaultSampler
from mmengine.registry import DefaultScope

from mmaction_mamp.datasets import SampleKey, SeededSampler, SyntheticSkeletonDataset, samplers
from mmaction_mamp.datasets.samplers import GlobalBatchSampler
from mmaction_mamp.utils.errors import RunConfigError

PIPELINE = [
    dict(type='ValidCropResize', clip_len=32, p_interval=(0.5, 1.0), min_crop_len=16),
    dict(type='RandomRot3D', theta=0.3),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='MotionAwareMasking', mask_ratio=0.9, tau=0.8, temporal_patch_size=4),
    dict(type='PackActionInputs', algorithm_keys=('mask',)),
]


@pytest.fixture(scope='module')
def dataset():
    with DefaultScope.overwrite_default_scope('mmaction'):
        return SyntheticSkeletonDataset(pipeline=PIPELINE, num_per_class=2)


def test_seeded_sampler_keeps_default_sampler_order(dataset):
    seeded, default = SeededSampler(dataset, seed=7), DefaultSampler(dataset, seed=7)
    for epoch in (0, 3):
        seeded.set_epoch(epoch)
        default.set_epoch(epoch)
        keys = list(seeded)
        assert [k.index for k in keys] == list(default)
        assert {(k.seed, k.epoch) for k in keys} == {(7, epoch)}


def test_seeded_sampler_refuses_a_dataset_without_keys():
    with pytest.raises(TypeError, match='needs a dataset that accepts SampleKey'):
        SeededSampler(list(range(4)), seed=0)


def test_sample_depends_only_on_seed_epoch_and_index(dataset):
    def draw(key):
        packed = dataset[key]
        return packed['inputs'].numpy(), packed['data_samples'].mask

    np.random.seed(1)
    inputs, mask = draw(SampleKey(0, 2, 5))
    np.random.seed(2)  # the global state plays no part
    dataset[SampleKey(0, 2, 6)]  # nor what was drawn before
    inputs_again, mask_again = draw(SampleKey(0, 2, 5))
    np.testing.assert_array_equal(inputs, inputs_again)
    np.testing.assert_array_equal(mask, mask_again)
    for other in (SampleKey(0, 3, 5), SampleKey(1, 2, 5)):
        assert not np.array_equal(draw(other)[0], inputs)


def test_skip_resumes_an_epoch_where_it_stopped_until_the_next_epoch(dataset):
    sampler = SeededSampler(dataset, seed=3)
    sampler.set_epoch(1)
    whole_epoch = list(sampler)
    sampler.skip(6)
    assert len(sampler) == len(whole_epoch) - 6
    assert list(sampler) == whole_epoch[6:]
    assert list(sampler) == whole_epoch[6:]  # a second iterator of the same epoch too
    sampler.set_epoch(2)
    assert len(sampler) == len(whole_epoch) and [k.epoch for k in sampler] == [2] * 20
    with pytest.raises(ValueError, match='cannot skip 21 of 20'):
        sampler.skip(21)


@pytest.fixture
def world(monkeypatch):
    """Pretend to be one of ``world_size`` processes."""

    def set_world_size(size: int):
        monkeypatch.setattr(samplers, 'get_world_size', lambda: size)

    return set_world_size


@pytest.mark.parametrize('world_size,per_process', [(1, 128), (2, 64), (4, 32), (8, 16)])
def test_global_batch_is_kept_on_any_process_count(world, world_size, per_process):
    world(world_size)
    sampler = GlobalBatchSampler(range(1000), global_batch_size=128)
    batches = list(sampler)
    assert sampler.batch_size == per_process and sampler.global_batch_size == 128
    assert {len(batch) for batch in batches} == {per_process}
    assert len(batches) == len(sampler) == 1000 // per_process  # the last partial one dropped


def test_a_per_process_batch_is_used_only_without_a_global_one(world):
    world(4)
    sampler = GlobalBatchSampler(range(100), batch_size=8)
    assert sampler.batch_size == 8 and sampler.global_batch_size == 32
    with pytest.raises(
        RunConfigError, match='batch_size=8 and batch_sampler.global_batch_size=128'
    ):
        GlobalBatchSampler(range(100), batch_size=8, global_batch_size=128)
    with pytest.raises(RunConfigError, match='set exactly one'):
        GlobalBatchSampler(range(100))


def test_a_global_batch_that_does_not_split_evenly_is_refused(world):
    world(3)
    with pytest.raises(RunConfigError, match='global batch 128 cannot be split evenly over 3'):
        GlobalBatchSampler(range(1000), global_batch_size=128)


def test_a_dataset_smaller_than_one_global_batch_is_refused(world, dataset):
    world(2)
    sampler = SeededSampler(dataset, seed=0, round_up=True)
    with pytest.raises(
        RunConfigError,
        match=r'holds 20 samples, fewer than one global batch of '
        r'128 \(2 process\(es\) x 64\); lower train_dataloader.batch_sampler',
    ):
        GlobalBatchSampler(sampler, global_batch_size=128)
