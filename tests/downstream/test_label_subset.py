"""LabelFractionPoseDataset: size, seed, reproducibility and logging of the subset."""

import random

import mmengine
import numpy as np
import pytest
from mmengine.logging import MMLogger

from mmaction_mamp.datasets.label_subset import LabelFractionPoseDataset, subset_fingerprint

NUM_TRAIN, NUM_VAL, NUM_CLASSES = 500, 40, 10


def _write_annotations(path, shuffle_seed=None):
    annotations = [
        dict(
            frame_dir=f'S001C001P{i:03d}R001A{i % NUM_CLASSES + 1:03d}',
            label=i % NUM_CLASSES,
            total_frames=4,
            keypoint=np.ones((1, 4, 25, 3), np.float32),
        )
        for i in range(NUM_TRAIN + NUM_VAL)
    ]
    names = [a['frame_dir'] for a in annotations]
    split = dict(xsub_train=names[:NUM_TRAIN], xsub_val=names[NUM_TRAIN:])
    if shuffle_seed is not None:
        random.Random(shuffle_seed).shuffle(annotations)
    mmengine.dump(dict(split=split, annotations=annotations), str(path))
    return str(path)


def _names(ann_file, fraction, seed):
    dataset = LabelFractionPoseDataset(
        ann_file, [], label_fraction=fraction, subset_seed=seed, split='xsub_train'
    )
    return [dataset.get_data_info(i)['frame_dir'] for i in range(len(dataset))], dataset


@pytest.mark.parametrize('fraction, size', [(0.01, 5), (0.1, 50), (1.0, NUM_TRAIN)])
def test_subset_size_is_floor_of_fraction(tmp_path, fraction, size):
    names, _ = _names(_write_annotations(tmp_path / 'ann.pkl'), fraction, 0)
    assert len(names) == size == len(set(names))
    assert all(int(n[9:12]) < NUM_TRAIN for n in names)  # only the requested split


def test_subset_reproducible_per_seed_and_independent_of_order(tmp_path):
    ann = _write_annotations(tmp_path / 'ann.pkl')
    shuffled = _write_annotations(tmp_path / 'shuffled.pkl', shuffle_seed=3)
    first, dataset = _names(ann, 0.1, 7)
    again, _ = _names(ann, 0.1, 7)
    reordered, _ = _names(shuffled, 0.1, 7)
    other, _ = _names(ann, 0.1, 8)
    assert first == again
    assert sorted(first) == sorted(reordered)
    assert set(first) != set(other)
    assert dataset.subset_fingerprint == subset_fingerprint(first)


def test_subset_is_logged(tmp_path):
    log_file = tmp_path / 'subset.log'
    MMLogger.get_instance('test_label_subset', log_file=str(log_file))
    _, dataset = _names(_write_annotations(tmp_path / 'ann.pkl'), 0.1, 5)
    text = log_file.read_text()
    assert '50 of 500 samples' in text and 'subset_seed=5' in text
    assert dataset.subset_fingerprint in text


@pytest.mark.parametrize('fraction', [0.0, 1.5, 0.001])
def test_bad_fraction_is_refused(tmp_path, fraction):
    with pytest.raises(ValueError, match='label_fraction'):
        _names(_write_annotations(tmp_path / 'ann.pkl'), fraction, 0)
