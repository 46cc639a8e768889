"""The embedded synthetic actions as 2-D COCO-17 keypoints with detector scores."""

import numpy as np
import pytest

from mmaction_mamp.datasets import SyntheticPose2DDataset
from mmaction_mamp.datasets.synthetic import generate_synthetic_skeletons
from mmaction_mamp.datasets.synthetic.pose_2d import (
    COCO_BODY_FROM_NTU,
    FACE_OFFSETS,
    FOCAL_LENGTH,
    generate_pose_2d,
    ntu_to_coco,
    project_to_pixels,
)

CLASSES = ('raise_right_arm', 'squat_down', 'left_up_right_down')


@pytest.fixture(scope='module')
def samples() -> list:
    return generate_pose_2d(4, seed=3, classes=CLASSES)


def test_body_keypoints_are_the_ntu_joints_and_the_face_sits_on_the_head():
    joints = np.random.default_rng(0).normal(size=(6, 25, 3))
    coco = ntu_to_coco(joints)
    assert coco.shape == (6, 17, 3)
    np.testing.assert_array_equal(coco[:, 5:], joints[:, COCO_BODY_FROM_NTU])
    # shoulders: COCO 5 / 6 = NTU left / right shoulder (joints 5 / 9 in NTU's 1-based list)
    np.testing.assert_array_equal(coco[:, 5], joints[:, 4])
    np.testing.assert_array_equal(coco[:, 6], joints[:, 8])
    face_distance = np.linalg.norm(coco[:, :5] - joints[:, None, 3], axis=-1)
    np.testing.assert_allclose(face_distance, np.tile(np.linalg.norm(FACE_OFFSETS, axis=1), (6, 1)))


def test_face_of_an_upright_subject_facing_the_camera():
    # Kinect frame: y up, the subject faces the sensor (-z), its left side towards -x
    joints = np.zeros((25, 3))
    joints[2], joints[3] = (0, 1.5, 3), (0, 1.7, 3)  # neck, head
    joints[4], joints[8] = (-0.2, 1.45, 3), (0.2, 1.45, 3)  # left, right shoulder
    coco = ntu_to_coco(joints)
    np.testing.assert_allclose(coco[0], (0, 1.68, 2.91))  # nose: 9 cm towards the camera
    np.testing.assert_allclose(coco[1], (-0.032, 1.715, 2.93))  # left eye
    np.testing.assert_allclose(coco[4], (0.075, 1.7, 3))  # right ear


def test_projection_hand_computed():
    points = np.array([[0.0, 0.0, 2.0], [1.0, 0.5, 2.0]])
    pixels = project_to_pixels(points, image_shape=(1080, 1920))
    np.testing.assert_allclose(pixels[0], (960, 540))
    # Kinect x grows to the sensor's left -> smaller u; y up -> smaller v
    np.testing.assert_allclose(pixels[1], (960 - FOCAL_LENGTH / 2, 540 - FOCAL_LENGTH / 4))


def test_annotations_have_the_fields_of_mmaction2_2d_pickles(samples):
    assert len(samples) == 12
    for sample in samples:
        m, t = sample['keypoint'].shape[:2]
        assert sample['keypoint'].shape == (m, t, 17, 2)
        assert sample['keypoint'].dtype == np.float32
        assert sample['keypoint_score'].shape == (m, t, 17)
        assert sample['keypoint_score'].dtype == np.float32
        assert sample['img_shape'] == sample['original_shape'] == (1080, 1920)
        assert sample['total_frames'] == t
        score = sample['keypoint_score']
        detected = score > 0
        assert np.all((score[detected] >= 0.05) & (score[detected] <= 1))
        # undetected keypoints are the (0, 0) placeholder, detected ones lie near the image
        assert not sample['keypoint'][~detected].any()
        u, v = sample['keypoint'][detected].T
        assert u.min() > 0 and u.max() < 1920 and v.min() > -200 and v.max() < 1080
    assert [s['label'] for s in samples] == [0] * 4 + [1] * 4 + [2] * 4


def test_same_motions_as_the_3d_samples(samples):
    samples_3d = generate_synthetic_skeletons(4, seed=3, classes=CLASSES)
    for flat, sample_3d in zip(samples, samples_3d):
        assert flat['frame_dir'].replace('synth2d', 'synth') == sample_3d['frame_dir']
        assert flat['keypoint'].shape[:2] == sample_3d['keypoint'].shape[:2]
        assert flat['label'] == sample_3d['label']


def test_some_clips_start_undetected_and_generation_is_reproducible(samples):
    first_frame_missed = [not s['keypoint_score'][:, 0].any() for s in samples]
    assert any(first_frame_missed) and not all(first_frame_missed)
    again = generate_pose_2d(4, seed=3, classes=CLASSES)
    for a, b in zip(samples, again):
        np.testing.assert_array_equal(a['keypoint'], b['keypoint'])
        np.testing.assert_array_equal(a['keypoint_score'], b['keypoint_score'])
    other = generate_pose_2d(4, seed=4, classes=CLASSES)
    assert not np.array_equal(samples[0]['keypoint_score'], other[0]['keypoint_score'])


def test_dataset_splits():
    train = SyntheticPose2DDataset(pipeline=[], num_per_class=2, classes=CLASSES)
    val = SyntheticPose2DDataset(pipeline=[], split='val', num_per_class=2, classes=CLASSES)
    assert len(train) == len(val) == 6
    assert train.metainfo['classes'] == CLASSES
    assert train[0]['frame_dir'] == 'synth2d_train_c00_s0000'
    assert val[0]['frame_dir'] == 'synth2d_val_c00_s0000'
    assert train[0]['keypoint'].shape[2:] == (17, 2)
    assert not np.array_equal(train[0]['keypoint_score'], val[0]['keypoint_score'])


def _detected(sample: dict) -> np.ndarray:
    """The actor's keypoints (T', 17, 2) in the frames with a detection, in 100-pixel units."""
    detected = sample['keypoint_score'][0].sum(axis=1) > 0
    return sample['keypoint'][0][detected] / 100.0


def _displacement(sample: dict) -> np.ndarray:
    """Motion in the image: how far each keypoint travels over the clip, (34,)."""
    keypoint = _detected(sample)
    return (keypoint[-1] - keypoint[0]).ravel()


def _pose_statistics(sample: dict) -> np.ndarray:
    """Poses without their order: mean and spread of the keypoints relative to the hips, (68,)."""
    keypoint = _detected(sample)
    body = keypoint - keypoint[:, [11, 12]].mean(axis=1, keepdims=True)
    return np.concatenate([body.mean(axis=0).ravel(), body.std(axis=0).ravel()])


def _nearest_centroid_accuracy(feature, train: list, val: list, classes) -> float:
    """Accuracy on ``classes`` of ``val`` of a nearest class mean of standardised features."""
    x_train = np.stack([feature(s) for s in train if s['label'] in classes])
    y_train = np.array([s['label'] for s in train if s['label'] in classes])
    x_val = np.stack([feature(s) for s in val if s['label'] in classes])
    y_val = np.array([s['label'] for s in val if s['label'] in classes])
    mean, std = x_train.mean(0), x_train.std(0) + 1e-6
    x_train, x_val = (x_train - mean) / std, (x_val - mean) / std
    labels = np.array(sorted(classes))
    centroids = np.stack([x_train[y_train == c].mean(0) for c in labels])
    predicted = labels[((x_val[:, None] - centroids[None]) ** 2).sum(-1).argmin(1)]
    return float((predicted == y_val).mean())


def test_2d_classes_differ_by_motion_not_by_pose():
    # Measured with train 20 / val 10 per class over seeds 0-3: motion 0.78-0.81 over the
    # 10 classes and >= 0.8 within each twin pair; poses 0.27-0.38 over the 10 classes and
    # 0.2-0.65 within a twin pair (chance: 0.10 and 0.50).
    train, val = generate_pose_2d(20, seed=0), generate_pose_2d(10, seed=1)
    classes = range(10)
    assert _nearest_centroid_accuracy(_displacement, train, val, classes) >= 0.7
    assert _nearest_centroid_accuracy(_pose_statistics, train, val, classes) <= 0.5
    twins = [{label, label + 1} for label in classes[0::2]]
    assert min(_nearest_centroid_accuracy(_displacement, train, val, t) for t in twins) >= 0.75
    twin_poses = [_nearest_centroid_accuracy(_pose_statistics, train, val, t) for t in twins]
    assert np.mean(twin_poses) <= 0.65
