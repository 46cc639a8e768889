"""Crop-resize, rotation and input validation of the pre-training pipeline (spec §1)."""

import pickle

import numpy as np
import pytest
import torch
import torch.nn.functional as F
from mmengine.registry import DefaultScope

from mmaction_mamp.datasets import SafePoseDataset
from mmaction_mamp.datasets.transforms import RandomRot3D, ValidCropResize
from mmaction_mamp.datasets.transforms.pose_transforms import rotation_matrix
from mmaction_mamp.datasets.transforms.temporal_crop import count_valid_frames, resize_frames
from mmaction_mamp.utils.errors import DataCheckError


def padded_sample(valid: int, total: int = 300, seed: int = 0) -> np.ndarray:
    """(2, total, 25, 3) with ``valid`` non-zero frames then zero padding."""
    keypoint = np.zeros((2, total, 25, 3), dtype=np.float32)
    keypoint[:, :valid] = np.random.default_rng(seed).normal(size=(2, valid, 25, 3)) + 1
    return keypoint


def official_resize(crop: np.ndarray, clip_len: int) -> np.ndarray:
    """The official feeder's resize: bilinear over the (C*V*M, len) grid."""
    m, t, v, c = crop.shape
    grid = torch.from_numpy(crop).permute(3, 2, 0, 1).reshape(1, 1, c * v * m, t)
    out = F.interpolate(grid, size=(c * v * m, clip_len), mode='bilinear', align_corners=False)
    return out.reshape(c, v, m, clip_len).permute(2, 3, 1, 0).numpy()


def test_valid_frames_counts_nonzero_sums():
    keypoint = padded_sample(57)
    assert count_valid_frames(keypoint) == 57
    keypoint[0, 10] = 0  # a frame whose sum is zero for every person? not yet: person 1 moves
    assert count_valid_frames(keypoint) == 57
    keypoint[1, 10] = 0
    assert count_valid_frames(keypoint) == 56


@pytest.mark.parametrize('in_len,out_len', [(57, 120), (200, 120), (64, 120), (120, 120)])
def test_resize_matches_torch_bilinear(in_len, out_len):
    crop = np.random.default_rng(1).normal(size=(2, in_len, 25, 3)).astype(np.float32)
    np.testing.assert_allclose(
        resize_frames(crop, out_len), official_resize(crop, out_len), rtol=1e-4, atol=1e-4
    )


def test_test_crop_is_centred_095():
    keypoint = padded_sample(100)
    out = ValidCropResize(clip_len=120, p_interval=(0.95,))(dict(keypoint=keypoint.copy()))
    bias = int(0.05 * 100 / 2)  # = 2
    assert bias == 2
    np.testing.assert_allclose(
        out['keypoint'], official_resize(keypoint[:, bias : 100 - bias], 120), atol=1e-4
    )
    assert out['keypoint'].shape == (2, 120, 25, 3) and out['total_frames'] == 120


def test_train_crop_lengths_follow_official_rule(monkeypatch):
    crop = ValidCropResize(clip_len=120, p_interval=(0.5, 1.0), min_crop_len=64)
    np.random.seed(0)
    for valid in (40, 100, 300):
        for _ in range(200):
            start, end = crop.crop_bounds(valid)
            length = end - start
            assert start >= 0 and end <= valid
            assert min(64, valid) <= length <= valid
            assert length >= min(max(int(np.floor(valid * 0.5)), 64), valid)
    # with the ratio pinned the length is exactly the official formula
    # (np.random.random is the stream of the official np.random.rand)
    monkeypatch.setattr(np.random, 'random', lambda: 0.3)  # p = 0.5 + 0.3 * 0.5 = 0.65
    start, end = crop.crop_bounds(250)
    assert end - start == int(np.floor(250 * 0.65)) == 162


def test_rotation_matrix_is_the_official_passive_zyx_rotation():
    """The official Rz @ Ry @ Rx with its sign convention is scipy's active rotations by
    the negated angles, z then y then x applied right to left (an independent oracle)."""
    from scipy.spatial.transform import Rotation

    angles = np.array([0.1, -0.2, 0.25])
    ax, ay, az = -angles
    expected = (
        Rotation.from_euler('z', az).as_matrix()
        @ Rotation.from_euler('y', ay).as_matrix()
        @ Rotation.from_euler('x', ax).as_matrix()
    )
    np.testing.assert_allclose(rotation_matrix(angles), expected, atol=1e-12)
    # a quarter turn about z sends x to -y under the official (passive) convention
    np.testing.assert_allclose(rotation_matrix(np.array([0, 0, np.pi / 2])) @ [1, 0, 0],
                               [0, -1, 0], atol=1e-12)  # fmt: skip


def test_random_rotation_applies_one_rotation_per_sample():
    keypoint = padded_sample(30, total=40)
    np.random.seed(3)
    angles = np.random.uniform(-0.3, 0.3, size=3)
    np.random.seed(3)
    out = RandomRot3D(theta=0.3)(dict(keypoint=keypoint.copy()))['keypoint']
    expected = np.einsum('ij,mtvj->mtvi', rotation_matrix(angles), keypoint)
    np.testing.assert_allclose(out, expected, rtol=1e-5, atol=1e-5)
    assert np.all(out[:, 30:] == 0)  # padding stays zero
    assert np.all(np.abs(angles) <= 0.3)


@pytest.mark.parametrize(
    'keypoint,message',
    [
        (padded_sample(3), '3 valid .*fewer than the 4'),
    ],
)
def test_crop_refuses_bad_input(keypoint, message):
    with pytest.raises(ValueError, match=f'sample S001C002P003R002A013: .*{message}'):
        ValidCropResize()(dict(keypoint=keypoint, frame_dir='S001C002P003R002A013'))


def test_transforms_trust_the_clip_check(tmp_path):
    """Bad clips never reach the transforms: the dataset names them when it loads."""
    nan = padded_sample(80)
    nan[1, 7, 4, 2] = np.nan
    clips = dict(good=padded_sample(80), nan_clip=nan, flat_clip=padded_sample(80)[0])
    annotations = [dict(frame_dir=name, keypoint=k, label=0) for name, k in clips.items()]
    path = tmp_path / 'clips.pkl'
    path.write_bytes(pickle.dumps(dict(split=dict(train=list(clips)), annotations=annotations)))
    pipeline = [dict(type='ValidCropResize'), dict(type='RandomRot3D')]
    with DefaultScope.overwrite_default_scope('mmaction'):
        with pytest.raises(DataCheckError) as error:
            SafePoseDataset(ann_file=str(path), split='train', pipeline=pipeline)
        assert str(error.value).splitlines()[1:3] == [
            '  nan_clip: non-finite coordinates in 1 frame(s), first frame 7',
            '  flat_clip: keypoint must be (M, T, V, C), got shape (300, 25, 3)',
        ]
        dataset = SafePoseDataset(
            ann_file=str(path), split='train', pipeline=pipeline, skip_bad_samples=True
        )
        assert len(dataset) == 1
        assert np.isfinite(dataset[0]['keypoint']).all()
