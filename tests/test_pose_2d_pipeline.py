"""The 2-D pose pipeline on hand-made samples with scores, and the 2-D configs end to end."""

import copy
from pathlib import Path

import numpy as np
import pytest
import torch
from mmaction.registry import MODELS, TRANSFORMS
from mmengine.config import Config
from mmengine.dataset import Compose
from mmengine.registry import DefaultScope

from mmaction_mamp.datasets.coco_layout import COCO_LEFT, COCO_RIGHT
from mmaction_mamp.datasets.synthetic import generate_pose_2d
from mmaction_mamp.datasets.transforms import (
    CentreDetectedJoints,
    DetectedCropResize,
    RandomFlipRotateScale2D,
    ZeroUndetectedJoints,
)
from mmaction_mamp.datasets.transforms.pose_transforms import similarity_matrix
from mmaction_mamp.datasets.transforms.temporal_crop import detected_span

IMG_SHAPE = (100, 200)  # (h, w): x is normalised by 100 px, y by 50 px


def build_pipeline(steps: list) -> Compose:
    """Transforms from mmaction2's registry (stock and plugin ones alike)."""
    return Compose([TRANSFORMS.build(step) for step in steps])


def hand_made_sample() -> dict:
    """Two persons, 6 frames, 17 COCO keypoints in pixels of a 200 x 100 image.

    Person 0 is undetected in frames 0-1 (pixels and scores 0), then keypoint j sits at
    (100 + 10 j, 25 + 5 t) with score 0.9, i.e. normalised (0.1 j, -0.5 + 0.1 t).
    Person 1 is only seen in frame 3, keypoint 0 at (150, 75) = normalised (0.5, 0.5), score
    0.5; the rest of it is the (0, 0) / score 0 placeholder.
    """
    keypoint = np.zeros((2, 6, 17, 2), np.float32)
    score = np.zeros((2, 6, 17), np.float32)
    t, j = np.meshgrid(np.arange(2, 6), np.arange(17), indexing='ij')
    keypoint[0, 2:, :, 0] = 100 + 10 * j
    keypoint[0, 2:, :, 1] = 25 + 5 * t
    score[0, 2:] = 0.9
    keypoint[1, 3, 0] = (150, 75)
    score[1, 3, 0] = 0.5
    return dict(
        frame_dir='hand_made',
        keypoint=keypoint,
        keypoint_score=score,
        img_shape=IMG_SHAPE,
        total_frames=6,
        modality='Pose',
    )


def test_pipeline_normalises_zeroes_crops_and_keeps_the_score_channel():
    pipeline = build_pipeline(
        [
            dict(type='PreNormalize2D'),
            dict(type='ZeroUndetectedJoints', keep_score=True),
            dict(type='DetectedCropResize', clip_len=4, p_interval=(1.0,)),
            dict(type='FormatGCNInput', num_person=2),
        ]
    )
    keypoint = pipeline(hand_made_sample())['keypoint']
    assert keypoint.shape == (1, 2, 4, 17, 3)  # (clips, M, T, V, (x, y, score))
    # detected span = frames 2-5, the test crop (p = 1) keeps all 4, resized 4 -> 4
    expected = np.zeros((2, 4, 17, 3), np.float32)
    t, j = np.meshgrid(np.arange(2, 6), np.arange(17), indexing='ij')
    expected[0, ..., 0] = 0.1 * j
    expected[0, ..., 1] = -0.5 + 0.1 * t
    expected[0, ..., 2] = 0.9
    expected[1, 1, 0] = (0.5, 0.5, 0.5)  # frame 3; the other placeholders stay 0, not -1
    np.testing.assert_allclose(keypoint[0], expected, atol=1e-6)


def test_pipeline_without_score_channel():
    pipeline = build_pipeline(
        [
            dict(type='PreNormalize2D'),
            dict(type='ZeroUndetectedJoints'),
            dict(type='DetectedCropResize', clip_len=8, p_interval=(1.0,)),
            dict(type='FormatGCNInput', num_person=2),
        ]
    )
    results = pipeline(hand_made_sample())
    assert 'keypoint_score' not in results
    keypoint = results['keypoint']
    assert keypoint.shape == (1, 2, 8, 17, 2)
    # 4 detected frames resized to 8 (align_corners=False): output frame k samples
    # source (k + 0.5) / 2 - 0.5, clamped to [0, 3], so y = -0.3 + 0.1 * that
    source = np.clip((np.arange(8) + 0.5) / 2 - 0.5, 0, 3)
    np.testing.assert_allclose(keypoint[0, 0, :, 4, 1], -0.3 + 0.1 * source, atol=1e-6)
    np.testing.assert_allclose(keypoint[0, 0, :, 4, 0], 0.4, atol=1e-6)


def test_train_crops_stay_inside_the_detected_span():
    sample = hand_made_sample()
    keypoint = np.zeros((1, 40, 17, 2), np.float32)
    keypoint[0, 10:30] = np.linspace(1, 2, 20)[:, None, None]
    score = (keypoint[..., 0] > 0).astype(np.float32)
    assert detected_span(keypoint, score) == (10, 30)
    assert detected_span(keypoint) == (10, 30)
    crop = DetectedCropResize(clip_len=16, p_interval=(0.5, 1.0), min_crop_len=5)
    for seed in range(20):
        np.random.seed(seed)
        out = crop(dict(sample, keypoint=keypoint.copy(), keypoint_score=score.copy()))
        assert out['keypoint'].shape == (1, 16, 17, 2)
        assert out['keypoint'].min() >= 1 and out['keypoint'].max() <= 2  # no undetected frame
        np.testing.assert_allclose(out['keypoint_score'], 1.0)


def test_flip_swaps_coco_sides_and_mirrors_x():
    keypoint = np.zeros((1, 1, 17, 2), np.float32)
    keypoint[0, 0, :, 0] = np.arange(17) / 10
    keypoint[0, 0, :, 1] = -np.arange(17) / 20
    score = np.tile(np.arange(17, dtype=np.float32), (1, 1, 1))
    flip = RandomFlipRotateScale2D(flip_ratio=1.0, max_angle=0.0, scale_range=(1.0, 1.0))
    out = flip(dict(keypoint=keypoint, keypoint_score=score, img_shape=IMG_SHAPE))
    # left shoulder (5) becomes the mirrored right shoulder (6) and vice versa; nose stays
    np.testing.assert_allclose(out['keypoint'][0, 0, 5], (-0.6, -0.3), atol=1e-6)
    np.testing.assert_allclose(out['keypoint'][0, 0, 6], (-0.5, -0.25), atol=1e-6)
    np.testing.assert_allclose(out['keypoint'][0, 0, 0], (0.0, 0.0), atol=1e-6)
    expected_order = np.arange(17)
    expected_order[list(COCO_LEFT)] = COCO_RIGHT
    expected_order[list(COCO_RIGHT)] = COCO_LEFT
    np.testing.assert_array_equal(out['keypoint_score'][0, 0], expected_order)


def test_rotation_is_rigid_in_pixels():
    # image 200 x 100: normalised (0, 0.5) is 25 px below the centre; a quarter turn moves it
    # 25 px to the left of the centre, i.e. normalised (-0.25, 0)
    matrix = similarity_matrix(flip=False, angle=np.pi / 2, scale=1.0, aspect=0.5)
    np.testing.assert_allclose(matrix @ [0.0, 0.5], [-0.25, 0.0], atol=1e-12)
    np.testing.assert_allclose(matrix @ [0.5, 0.0], [0.0, 1.0], atol=1e-12)
    scaled = similarity_matrix(flip=True, angle=0.0, scale=1.1, aspect=0.5)
    np.testing.assert_allclose(scaled @ [0.5, 0.5], [-0.55, 0.55], atol=1e-12)


def test_centring_on_the_hips_keeps_missed_joints_zero():
    steps = [dict(type='PreNormalize2D'), dict(type='ZeroUndetectedJoints')]
    out = build_pipeline([*steps, dict(type='CentreDetectedJoints')])(hand_made_sample())
    # hips 11 and 12 of person 0 are first seen in frame 2 at (1.1, -0.3) and (1.2, -0.3)
    t, j = np.meshgrid(np.arange(2, 6), np.arange(17), indexing='ij')
    expected = np.zeros((2, 6, 17, 2), np.float32)
    expected[0, 2:, :, 0] = 0.1 * j - 1.15
    expected[0, 2:, :, 1] = 0.1 * (t - 2)
    expected[1, 3, 0] = (0.5 - 1.15, 0.5 + 0.3)
    # joint 0 of frame 5 lies exactly on the image centre: (0, 0) after PreNormalize2D, which
    # the zero convention of missed joints cannot tell from a miss, so it stays 0 too
    expected[0, 5, 0] = 0
    np.testing.assert_allclose(out['keypoint'], expected, atol=1e-6)
    assert out['keypoint'].dtype == np.float32
    assert np.count_nonzero(out['keypoint'].any(-1)) == 4 * 17 - 1 + 1  # zeros stay zeros


def test_augmentation_draws_from_the_sample_generator_and_keeps_absent_joints_zero():
    keypoint = np.random.default_rng(0).normal(size=(2, 5, 17, 2)).astype(np.float32)
    keypoint[1] = 0  # absent person
    augment = RandomFlipRotateScale2D()
    state = np.random.get_state()
    out = augment(dict(keypoint=keypoint.copy(), img_shape=IMG_SHAPE, rng=np.random.default_rng(7)))
    assert np.random.get_state()[1].tolist() == state[1].tolist()  # global state untouched
    flip, angle, scale = augment.draw_parameters(np.random.default_rng(7))
    expected = keypoint @ similarity_matrix(flip, angle, scale, 0.5).T
    if flip:
        order = np.arange(17)
        order[list(COCO_LEFT)], order[list(COCO_RIGHT)] = COCO_RIGHT, COCO_LEFT
        expected = expected[:, :, order]
    np.testing.assert_allclose(out['keypoint'], expected, rtol=1e-5, atol=1e-6)
    assert not out['keypoint'][1].any()


@pytest.mark.parametrize(
    'transform, results, message',
    [
        (
            ZeroUndetectedJoints(),
            dict(frame_dir='a1', keypoint=np.ones((1, 4, 17, 2))),
            'sample a1: no "keypoint_score"',
        ),
        (
            ZeroUndetectedJoints(),
            dict(frame_dir='a2', keypoint=np.ones((1, 4, 17, 2)), keypoint_score=np.ones((1, 4))),
            r'sample a2: keypoint_score has shape \(1, 4\)',
        ),
        (
            DetectedCropResize(),
            dict(
                frame_dir='a3',
                keypoint=np.ones((1, 9, 17, 2)),
                keypoint_score=np.zeros((1, 9, 17)),
            ),
            'sample a3: 0 frames from the first to the last detection',
        ),
        (
            RandomFlipRotateScale2D(),
            dict(frame_dir='a5', keypoint=np.ones((1, 4, 17, 3))),
            'sample a5: 2-D augmentation needs',
        ),
        (
            RandomFlipRotateScale2D(),
            dict(frame_dir='a6', keypoint=np.ones((1, 4, 5, 2))),
            'sample a6: 5 joints, but left_kp / right_kp name joint 16',
        ),
        (
            CentreDetectedJoints(),
            dict(frame_dir='a7', keypoint=np.ones((1, 4, 17, 2)) * (np.arange(17) < 11)[:, None]),
            r'joints \[11, 12\] of person 0 of a7 are never detected in the same frame',
        ),
        (
            CentreDetectedJoints(),
            dict(frame_dir='a8', keypoint=np.ones((1, 4, 5, 2))),
            'keypoint of a8 has 5 joints, origin_joints are',
        ),
    ],
)
def test_bad_samples_are_named(transform, results, message):
    with pytest.raises(ValueError, match=message):
        transform(results)


CONFIGS_2D = [
    'configs/skeleton/mamp/mamp_vit_4xb32-400e_ntu60-xsub-keypoint-2d.py',
    'configs/skeleton/mamp/vit_mamp-ntu60-xsub-2d-pre_linear-4xb128-100e_ntu60-xsub-keypoint-2d.py',
    'configs/skeleton/mamp/vit_mamp-ntu60-xsub-2d-pre_finetune-4xb24-100e_ntu60-xsub-keypoint-2d.py',
    'configs/demo/mamp_pretrain_demo_2d.py',
    'configs/demo/mamp_linear_demo_2d.py',
]


@pytest.fixture(scope='module')
def coco_samples() -> list:
    """Two synthetic 2-D samples in the layout of mmaction2's ntu60_2d.pkl annotations."""
    return generate_pose_2d(1, seed=0, classes=('raise_right_arm', 'squat_down'))


@pytest.mark.parametrize('config', CONFIGS_2D)
def test_2d_configs_run_on_coco_samples(repo_root: Path, config: str, coco_samples):
    cfg = Config.fromfile(repo_root / config)
    model_cfg = copy.deepcopy(cfg.model)
    model_cfg.backbone.init_cfg = None
    with DefaultScope.overwrite_default_scope('mmaction'):
        model = MODELS.build(model_cfg).eval()
    pipeline = build_pipeline(cfg.train_dataloader.dataset.pipeline)
    packed = [pipeline(dict(copy.deepcopy(s), modality='Pose')) for s in coco_samples]
    inputs = torch.stack([p['inputs'] for p in packed])
    clip_len = cfg.model.backbone.num_frames
    persons = 1 if config.startswith('configs/demo/') else 2  # demo: the actor
    assert inputs.shape == (2, 1, persons, clip_len, 17, 2)
    samples = [p['data_samples'] for p in packed]
    with torch.no_grad():
        losses = model(inputs, samples, mode='loss')
    assert torch.isfinite(losses['loss'] if 'loss' in losses else losses['loss_cls'])
