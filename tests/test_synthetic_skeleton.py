"""The embedded synthetic skeleton set: format, determinism, anatomy, and the property the demo
relies on: the classes differ by the direction of motion, not by the poses they go through."""

import os
import subprocess
import sys
from collections import Counter

import numpy as np
import pytest
from mmaction.datasets import PoseDataset
from mmaction.registry import DATASETS
from mmengine.registry import DefaultScope
from scipy.ndimage import gaussian_filter1d
from scipy.spatial.transform import Rotation

from mmaction_mamp.datasets.synthetic import (
    CLASS_NAMES,
    MOVEMENTS,
    generate_split,
    generate_synthetic_skeletons,
)
from mmaction_mamp.datasets.synthetic.actions import movement_angles, movement_progress
from mmaction_mamp.datasets.synthetic.scene import gaussian_smooth
from mmaction_mamp.datasets.synthetic.skeleton import (
    PARENTS,
    angles_to_rotations,
    forward_kinematics,
)
from mmaction_mamp.preparation import dump_synthetic_pose_pickle

HEAD, SPINE_BASE, SPINE_MID, LEFT_KNEE, RIGHT_ELBOW, LEFT_ELBOW = 3, 0, 1, 13, 9, 5


@pytest.fixture(scope='module')
def train() -> list:
    return generate_split('train', 20, seed=0)


@pytest.fixture(scope='module')
def val() -> list:
    return generate_split('val', 10, seed=0)


def _assert_same(a: list, b: list) -> None:
    assert [x['frame_dir'] for x in a] == [x['frame_dir'] for x in b]
    assert [x['label'] for x in a] == [x['label'] for x in b]
    assert all(np.array_equal(x['keypoint'], y['keypoint']) for x, y in zip(a, b))


def test_same_seed_gives_identical_arrays() -> None:
    first = generate_synthetic_skeletons(3, seed=5)
    again = generate_synthetic_skeletons(3, seed=5)
    _assert_same(first, again)
    assert all(x['keypoint'].tobytes() == y['keypoint'].tobytes() for x, y in zip(first, again))
    other = generate_synthetic_skeletons(3, seed=6)
    assert not np.array_equal(first[0]['keypoint'], other[0]['keypoint'])


def test_splits_differ(train: list, val: list) -> None:
    assert train[0]['frame_dir'] == 'synth_train_c00_s0000'
    assert val[0]['frame_dir'] == 'synth_val_c00_s0000'
    assert not np.array_equal(train[0]['keypoint'][:, :60], val[0]['keypoint'][:, :60])


def test_annotation_format(train: list) -> None:
    assert len({a['frame_dir'] for a in train}) == len(train)
    for a in train:
        keypoint = a['keypoint']
        assert keypoint.dtype == np.float32
        assert keypoint.ndim == 4 and keypoint.shape[2:] == (25, 3)
        assert keypoint.shape[0] in (1, 2)
        assert keypoint.shape[1] == a['total_frames'] and 60 <= a['total_frames'] <= 150
        assert isinstance(a['label'], int) and np.isfinite(keypoint).all()


def test_person_counts_and_idle_bystander(train: list) -> None:
    persons = Counter(a['keypoint'].shape[0] for a in train)
    assert persons[1] > 0 and persons[2] > 0
    for a in train:
        if len(a['keypoint']) == 2:
            bystander_speed = np.linalg.norm(np.diff(a['keypoint'][1], axis=0), axis=-1)
            assert bystander_speed.mean() < 0.002  # metres per frame: it hardly moves


def test_centred_on_spine_middle_of_first_person_first_frame(train: list) -> None:
    for a in train:
        assert np.array_equal(a['keypoint'][0, 0, SPINE_MID], np.zeros(3, np.float32))


def test_upright_bodies_in_metres(train: list) -> None:
    for a in train:
        actor = a['keypoint'][0]
        torso = actor[:, HEAD, 1] - actor[:, SPINE_BASE, 1]
        assert 0.4 < torso.mean() < 0.9
        assert np.abs(actor).max() < 3.0


def test_bone_lengths_constant_within_a_sample(train: list) -> None:
    child = np.flatnonzero(PARENTS >= 0)
    thighs = []
    for a in train:
        bones = a['keypoint'][:, :, child] - a['keypoint'][:, :, PARENTS[child]]
        lengths = np.linalg.norm(bones, axis=-1)  # (M, T, 24)
        assert lengths.std(axis=1).max() < 0.025  # sensor noise: at most ~6.5 mm RMS per joint
        thighs.append(np.median(lengths[0, :, LEFT_KNEE - 1]))  # left hip -> left knee
    assert np.min(thighs) > 0.3 and np.max(thighs) < 0.55
    assert np.std(thighs) / np.mean(thighs) > 0.04  # body sizes vary


def test_rotation_convention_matches_scipy() -> None:
    angles = np.random.default_rng(0).uniform(-np.pi, np.pi, (7, 3))
    expected = Rotation.from_euler('YZX', angles[:, ::-1]).as_matrix()  # Ry @ Rz @ Rx
    np.testing.assert_allclose(angles_to_rotations(angles), expected, atol=1e-12)


@pytest.mark.parametrize('shape,axis', [((2, 3, 40, 25, 3), 2), ((5, 9), 1), ((30,), 0)])
def test_gaussian_smoothing_matches_scipy(shape, axis) -> None:
    """The sensor wobble's smoothing equals scipy's (kept a test-only dependency)."""
    x = np.random.default_rng(3).standard_normal(shape)
    expected = gaussian_filter1d(x, 3.0, axis=axis)
    np.testing.assert_allclose(gaussian_smooth(x, 3.0, axis), expected, rtol=0, atol=1e-14)


def test_forward_kinematics_rest_pose() -> None:
    offsets = np.random.default_rng(1).normal(size=(25, 2, 3))
    pos = forward_kinematics(np.zeros((25, 2, 4, 3)), offsets)
    for j in np.flatnonzero(PARENTS >= 0):
        np.testing.assert_allclose(pos[j] - pos[PARENTS[j]], offsets[j][:, None].repeat(4, 1))


def test_class_subset_keeps_samples() -> None:
    full = generate_synthetic_skeletons(2, seed=3)
    subset = generate_synthetic_skeletons(2, seed=3, classes=['stand_up', 'lower_right_arm'])
    assert [a['label'] for a in subset] == [0, 0, 1, 1]
    first, second = CLASS_NAMES.index('stand_up'), CLASS_NAMES.index('lower_right_arm')
    expected = [a for a in full if a['label'] == first] + [a for a in full if a['label'] == second]
    assert all(np.array_equal(a['keypoint'], b['keypoint']) for a, b in zip(subset, expected))
    with pytest.raises(ValueError, match='non-empty subset'):
        generate_synthetic_skeletons(1, seed=0, classes=['moonwalk'])


def test_classes_are_time_reversed_twins() -> None:
    # consecutive classes move the same parts in opposite directions
    for first, second in zip(CLASS_NAMES[0::2], CLASS_NAMES[1::2]):
        assert MOVEMENTS[second] == tuple(-d for d in MOVEMENTS[first])
    # the same draws played backwards: a twin's angles are the other's reversed in time
    lengths = np.array([50, 50])
    progress = movement_progress(np.random.default_rng(0), lengths)
    reverse = movement_progress(np.random.default_rng(0), lengths)
    for first, second in zip(CLASS_NAMES[0::2], CLASS_NAMES[1::2]):
        forward = movement_angles(np.random.default_rng(1), first, progress)
        backward = movement_angles(np.random.default_rng(1), second, 1.0 - reverse)
        np.testing.assert_allclose(forward, backward, atol=1e-12)


def test_movement_spans_the_clip_in_the_class_direction(train: list) -> None:
    elbow_rises = []
    for a in train:
        actor = a['keypoint'][0]
        rise = actor[-1, :, 1] - actor[0, :, 1]  # height gained by each joint over the clip
        right, left, knees = MOVEMENTS[CLASS_NAMES[a['label']]]
        for elbow, direction in ((RIGHT_ELBOW, right), (LEFT_ELBOW, left)):
            if direction:
                elbow_rises.append(direction * rise[elbow])
            elif not knees:
                assert abs(rise[elbow]) < 0.03  # a still arm stays within a few centimetres
        if knees:
            assert -knees * rise[HEAD] > 0.05  # squatting lowers the head
    assert min(elbow_rises) > 0.02 and np.mean(elbow_rises) > 0.15  # metres


def _displacement(a: dict) -> np.ndarray:
    """Motion: how far each joint of the actor travels from the first to the last frame, (75,)."""
    actor = a['keypoint'][0]
    return (actor[-1] - actor[0]).ravel()


def _pose_statistics(a: dict) -> np.ndarray:
    """Poses without their order: mean and spread over the frames of the actor's joints
    relative to its spine (so the centring on the first frame plays no part), (150,)."""
    actor = a['keypoint'][0]
    body = actor - actor[:, SPINE_MID : SPINE_MID + 1]
    return np.concatenate([body.mean(axis=0).ravel(), body.std(axis=0).ravel()])


def _nearest_centroid_accuracy(feature, train: list, val: list, classes) -> float:
    """Accuracy on the ``classes`` of ``val`` of a nearest class mean on standardised
    ``feature(a)`` vectors of ``train``."""
    train = [a for a in train if a['label'] in classes]
    val = [a for a in val if a['label'] in classes]
    x_train = np.stack([feature(a) for a in train])
    x_val = np.stack([feature(a) for a in val])
    mean, std = x_train.mean(0), x_train.std(0) + 1e-6
    x_train, x_val = (x_train - mean) / std, (x_val - mean) / std
    y_train = np.array([a['label'] for a in train])
    labels = np.array(sorted(classes))
    centroids = np.stack([x_train[y_train == c].mean(0) for c in labels])
    distances = ((x_val[:, None] - centroids[None]) ** 2).sum(-1)
    return float((labels[distances.argmin(1)] == np.array([a['label'] for a in val])).mean())


def test_classes_differ_by_motion_not_by_pose(train: list, val: list) -> None:
    # Measured with train 20 / val 10 per class over seeds 0-3: motion 0.81-0.89 over the
    # 10 classes and 0.90-1.00 within each twin pair; poses 0.32-0.45 over the 10 classes
    # and 0.25-0.65 within a twin pair (chance: 0.10 and 0.50).
    classes = range(len(CLASS_NAMES))
    motion = _nearest_centroid_accuracy(_displacement, train, val, classes)
    poses = _nearest_centroid_accuracy(_pose_statistics, train, val, classes)
    assert motion >= 0.75
    assert poses <= 0.55
    twins = [{label, label + 1} for label in classes[0::2]]
    twin_motion = [_nearest_centroid_accuracy(_displacement, train, val, t) for t in twins]
    twin_poses = [_nearest_centroid_accuracy(_pose_statistics, train, val, t) for t in twins]
    assert min(twin_motion) >= 0.85
    assert np.mean(twin_poses) <= 0.65


STOCK_PIPELINE = [
    dict(type='UniformSampleFrames', clip_len=32),
    dict(type='PoseDecode'),
    dict(type='FormatGCNInput', num_person=2),
    dict(type='PackActionInputs'),
]


def test_dataset_builds_from_registry() -> None:
    dataset = DATASETS.build(
        dict(type='SyntheticSkeletonDataset', split='val', num_per_class=2, pipeline=[])
    )
    assert len(dataset) == 2 * len(CLASS_NAMES)
    assert dataset.metainfo['classes'] == CLASS_NAMES
    info = dataset[0]
    assert info['frame_dir'] == 'synth_val_c00_s0000' and info['modality'] == 'Pose'
    _assert_same([dataset.get_data_info(i) for i in range(len(dataset))], generate_split('val', 2))
    with pytest.raises(ValueError):
        DATASETS.build(dict(type='SyntheticSkeletonDataset', split='test', pipeline=[]))


def test_stock_skeleton_pipeline_runs() -> None:
    cfg = dict(
        type='SyntheticSkeletonDataset',
        classes=['squat_down', 'raise_right_arm'],
        num_per_class=1,
        pipeline=STOCK_PIPELINE,
    )
    with DefaultScope.overwrite_default_scope('mmaction'):
        dataset = DATASETS.build(cfg)
    assert dataset.metainfo['classes'] == ('squat_down', 'raise_right_arm')
    packed = dataset[1]
    assert tuple(packed['inputs'].shape) == (1, 2, 32, 25, 3)
    assert packed['data_samples'].gt_label.item() == 1


def test_pickle_matches_dataset(tmp_path) -> None:
    out = tmp_path / 'synthetic.pkl'
    dump_synthetic_pose_pickle(out, num_train_per_class=2, num_val_per_class=1, seed=4)
    for split, num in (('train', 2), ('val', 1)):
        stock = PoseDataset(str(out), pipeline=[], split=split)
        ours = DATASETS.build(
            dict(
                type='SyntheticSkeletonDataset',
                split=split,
                num_per_class=num,
                seed=4,
                pipeline=[],
            )
        )
        _assert_same(
            [stock.get_data_info(i) for i in range(len(stock))],
            [ours.get_data_info(i) for i in range(len(ours))],
        )


@pytest.mark.slow
def test_command_line_tool(tmp_path, repo_root) -> None:
    out = tmp_path / 'skeleton' / 'synthetic.pkl'
    command = [
        sys.executable,
        str(repo_root / 'tools' / 'data' / 'make_synthetic_skeletons.py'),
        '--out',
        str(out),
        '--num-train-per-class',
        '2',
        '--num-val-per-class',
        '1',
        '--classes',
        'squat_down',
        'stand_up',
    ]
    env = dict(os.environ, PYTHONPATH=str(repo_root))
    result = subprocess.run(command, env=env, capture_output=True, text=True, check=True)
    assert 'train: 4, val: 2' in result.stdout
    assert len(PoseDataset(str(out), pipeline=[], split='val')) == 2
