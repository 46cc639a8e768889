"""Embedded demo data in 2-D: the synthetic actions filmed as COCO-17 keypoints with scores.

The 3-D synthetic actions (:mod:`.generator`) are simulated in the Kinect camera frame;
here the same samples (same seed -> same motions) are mapped from the NTU 25-joint layout to
the 17 COCO keypoints of mmaction2's HRNet skeletons and projected to pixels of a
1920 x 1080 colour camera. Every keypoint gets a detector-like confidence score, and some
clips start with a few frames where nobody was detected (keypoints and scores 0), as in
mmaction2's ``ntu60_2d.pkl``. Same seed -> bit-identical arrays.

Annotations carry the fields of mmaction2's 2-D ``PoseDataset`` pickles: ``keypoint``
(M, T, 17, 2) float32 pixels, ``keypoint_score`` (M, T, 17) float32, ``img_shape`` and
``original_shape`` (height, width), ``total_frames``, ``label``, ``frame_dir``.
"""

from typing import List, Optional, Sequence, Tuple

import numpy as np
from mmaction.registry import DATASETS

from .actions import CLASS_NAMES
from .dataset import SyntheticSkeletonDataset
from .generator import resolve_classes, simulate_camera_joints, split_seed

# COCO keypoints 5-16 are NTU joints (0-based): shoulders, elbows, wrists, hips, knees, ankles.
COCO_BODY_FROM_NTU = np.array([4, 8, 5, 9, 6, 10, 12, 16, 13, 17, 14, 18])
NTU_NECK, NTU_HEAD, NTU_LEFT_SHOULDER, NTU_RIGHT_SHOULDER = 2, 3, 4, 8
# The face keypoints (nose, eyes, ears) are not NTU joints: they sit around the NTU head
# joint, given in metres along the head's (forward, up, right) axes.
FACE_OFFSETS = np.array([
    [0.09, -0.02, 0.0],  # nose
    [0.07, 0.015, -0.032], [0.07, 0.015, 0.032],  # left / right eye
    [0.0, 0.0, -0.075], [0.0, 0.0, 0.075],  # left / right ear
])  # fmt: skip

IMAGE_SHAPE = (1080, 1920)  # (height, width) of the NTU RGB+D colour videos
FOCAL_LENGTH = 1050.0  # pixels, about the Kinect v2 colour camera's
UNDETECTED_START_PROB = 0.2  # chance that the detector misses the first few frames
MAX_UNDETECTED_FRAMES = 10


def _unit(v: np.ndarray) -> np.ndarray:
    """Vectors (..., 3) scaled to unit length."""
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


def ntu_to_coco(joints: np.ndarray) -> np.ndarray:
    """Map NTU-25 joints to the 17 COCO keypoints, in 3-D.

    Body keypoints are the matching NTU joints; nose, eyes and ears are placed around the
    NTU head joint along the head's axes: up = neck -> head, right = left -> right shoulder
    (made orthogonal to up), forward = up x right (the direction the subject faces).

    Args:
        joints: (..., 25, 3) joints, y up.

    Returns:
        (..., 17, 3) COCO keypoints.
    """
    head = joints[..., NTU_HEAD, :]
    up = _unit(head - joints[..., NTU_NECK, :])
    across = joints[..., NTU_RIGHT_SHOULDER, :] - joints[..., NTU_LEFT_SHOULDER, :]
    right = _unit(across - (across * up).sum(-1, keepdims=True) * up)
    forward = np.cross(up, right)
    axes = np.stack([forward, up, right], axis=-2)  # (..., 3 axes, 3)
    face = head[..., None, :] + FACE_OFFSETS @ axes  # (..., 5, 3)
    return np.concatenate([face, joints[..., COCO_BODY_FROM_NTU, :]], axis=-2)


def project_to_pixels(
    points: np.ndarray, image_shape: Tuple[int, int] = IMAGE_SHAPE, focal: float = FOCAL_LENGTH
) -> np.ndarray:
    """Pinhole projection of Kinect camera coordinates to image pixels.

    Kinect's x grows to the sensor's left and y upwards, so u = w/2 - f x / z and
    v = h/2 - f y / z (image rows grow downwards).

    Args:
        points: (..., 3) camera coordinates in metres, z > 0 the depth.
        image_shape: (height, width) in pixels.
        focal: focal length in pixels.

    Returns:
        (..., 2) pixel coordinates (u, v).
    """
    height, width = image_shape
    x, y, z = np.moveaxis(points, -1, 0)
    return np.stack([width / 2 - focal * x / z, height / 2 - focal * y / z], axis=-1)


def _detector_scores(rng: np.random.Generator, shape: Tuple[int, ...]) -> np.ndarray:
    """HRNet-like confidences in [0.05, 1] of (P, N, T, 17) keypoints.

    Each keypoint of each person has its own level in [0.55, 0.95], jittered every frame.
    """
    p, n, _, v = shape
    level = rng.uniform(0.55, 0.95, (p, n, 1, v))
    return np.clip(level + rng.normal(0.0, 0.05, shape), 0.05, 1.0)


def generate_pose_2d(
    num_per_class: int,
    seed: int,
    classes: Optional[Sequence[str]] = None,
    min_frames: int = 60,
    max_frames: int = 150,
    name_prefix: str = 'synth2d',
    image_shape: Tuple[int, int] = IMAGE_SHAPE,
) -> List[dict]:
    """Generate labelled COCO-17 2-D pose sequences as mmaction2 ``PoseDataset`` annotations.

    Sample i of a class is the projection of sample i of ``generate_synthetic_skeletons`` with
    the same arguments (before its centring). Scores and missed detections draw from a
    separate generator seeded by (seed, class id, 2).

    Args:
        num_per_class: samples per class.
        seed: non-negative seed.
        classes: names from ``CLASS_NAMES`` (all by default); labels follow this order.
        min_frames: shortest sequence (frames at 30 fps).
        max_frames: longest sequence.
        name_prefix: start of every ``frame_dir``.
        image_shape: (height, width) of the virtual camera in pixels.

    Returns:
        Class-major list of dicts with ``frame_dir``, ``label``, ``total_frames`` T,
        ``keypoint`` (M, T, 17, 2) float32 pixels, ``keypoint_score`` (M, T, 17) float32
        (0 where undetected), ``img_shape`` and ``original_shape``.
    """
    annotations = []
    for label, name in enumerate(resolve_classes(classes)):
        lengths, joints, persons = simulate_camera_joints(
            name, num_per_class, seed, min_frames, max_frames
        )
        pixels = project_to_pixels(ntu_to_coco(joints), image_shape)  # (2, N, T_max, 17, 2)
        rng = np.random.default_rng([seed, CLASS_NAMES.index(name), 2])
        scores = _detector_scores(rng, pixels.shape[:-1])
        missed = np.where(
            rng.random(num_per_class) < UNDETECTED_START_PROB,
            rng.integers(1, MAX_UNDETECTED_FRAMES + 1, num_per_class),
            0,
        )
        for i in range(num_per_class):
            keypoint = pixels[: persons[i], i, : lengths[i]].astype(np.float32)
            score = scores[: persons[i], i, : lengths[i]].astype(np.float32)
            keypoint[:, : missed[i]] = 0
            score[:, : missed[i]] = 0
            annotations.append(
                dict(
                    frame_dir=f'{name_prefix}_c{label:02d}_s{i:04d}',
                    label=label,
                    total_frames=int(lengths[i]),
                    keypoint=keypoint,
                    keypoint_score=score,
                    img_shape=tuple(image_shape),
                    original_shape=tuple(image_shape),
                )
            )
    return annotations


@DATASETS.register_module()
class SyntheticPose2DDataset(SyntheticSkeletonDataset):
    """The embedded synthetic actions as COCO-17 2-D keypoints with scores; needs no file.

    Same arguments and splits as ``SyntheticSkeletonDataset`` (sample i of a split is the
    2-D view of its sample i) plus the virtual camera's ``image_shape``. Samples carry the
    fields of mmaction2's ``ntu60_2d.pkl`` annotations, so the 2-D skeleton pipeline applies.

    Args:
        image_shape: (height, width) in pixels.
        **kwargs: ``SyntheticSkeletonDataset`` arguments.
    """

    def __init__(self, *args, image_shape: Tuple[int, int] = IMAGE_SHAPE, **kwargs) -> None:
        self.image_shape = tuple(image_shape)
        super().__init__(*args, **kwargs)

    def load_data_list(self) -> List[dict]:
        """Generate this split's annotations (see ``generate_pose_2d``)."""
        return generate_pose_2d(
            self.num_per_class,
            split_seed(self.seed, self.split),
            self.class_names,
            self.min_frames,
            self.max_frames,
            name_prefix=f'synth2d_{self.split}',
            image_shape=self.image_shape,
        )
