"""Generate labelled synthetic skeleton sequences as mmaction2 ``PoseDataset`` annotations."""

from typing import List, Optional, Sequence, Tuple

import numpy as np

from .actions import CLASS_NAMES
from .scene import add_sensor_noise, person_counts, simulate_class

SPLIT_INDEX = dict(train=0, val=1)


def _centred_keypoints(joints: np.ndarray, num_frames: int, num_persons: int) -> np.ndarray:
    """One sample cut from a class batch and centred as in the NTU preprocessing.

    Args:
        joints: (2, T_max, 25, 3) both persons of one sample.
        num_frames: frames to keep (T).
        num_persons: persons to keep (M).

    Returns:
        (M, T, 25, 3) float32; joint 1 of person 0 in frame 0 is the origin.
    """
    keypoint = joints[:num_persons, :num_frames]
    return (keypoint - keypoint[0, 0, 1]).astype(np.float32)


def resolve_classes(classes: Optional[Sequence[str]]) -> tuple:
    """Validated class names (all of ``CLASS_NAMES`` when None)."""
    if classes is None:
        return CLASS_NAMES
    unknown = [name for name in classes if name not in CLASS_NAMES]
    if unknown or not classes:
        raise ValueError(f'classes must be a non-empty subset of {CLASS_NAMES}, got {classes}')
    return tuple(classes)


def simulate_camera_joints(
    name: str, num_per_class: int, seed: int, min_frames: int, max_frames: int
) -> Tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Simulate the samples of one class in camera coordinates, before any centring.

    The class draws from its own generator seeded by (seed, class id), so a class's samples
    do not depend on which other classes are requested.

    Args:
        name: class name from ``CLASS_NAMES``.
        num_per_class: samples N.
        seed: non-negative seed; the same seed gives bit-identical arrays.
        min_frames: shortest sequence (frames at 30 fps).
        max_frames: longest sequence.

    Returns:
        lengths (N,) frame counts, joints (2, N, T_max, 25, 3) in metres with sensor noise
        (sample i is valid for its first ``lengths[i]`` frames), and persons (N,) recorded
        person counts (1 or 2; person 0 is the actor).
    """
    rng = np.random.default_rng([seed, CLASS_NAMES.index(name)])
    lengths = rng.integers(min_frames, max_frames + 1, num_per_class)
    joints = add_sensor_noise(rng, simulate_class(rng, name, lengths))
    return lengths, joints, person_counts(rng, num_per_class)


def generate_synthetic_skeletons(
    num_per_class: int,
    seed: int,
    classes: Optional[Sequence[str]] = None,
    min_frames: int = 60,
    max_frames: int = 150,
    name_prefix: str = 'synth',
) -> List[dict]:
    """Generate labelled skeleton sequences as mmaction2 ``PoseDataset`` annotations.

    Every class comes from ``simulate_camera_joints``, centred as in the NTU preprocessing.

    Args:
        num_per_class: samples per class.
        seed: non-negative seed; the same seed gives bit-identical arrays.
        classes: names from ``CLASS_NAMES`` (all by default); labels follow this order.
        min_frames: shortest sequence (frames at 30 fps).
        max_frames: longest sequence.
        name_prefix: start of every ``frame_dir``.

    Returns:
        Class-major list of dicts with ``frame_dir`` (str, unique, e.g. 'synth_c03_s0012'),
        ``label`` (int), ``total_frames`` (int T) and ``keypoint`` (float32 (M, T, 25, 3),
        metres, M = 1 or 2).
    """
    annotations = []
    for label, name in enumerate(resolve_classes(classes)):
        lengths, joints, persons = simulate_camera_joints(
            name, num_per_class, seed, min_frames, max_frames
        )
        for i in range(num_per_class):
            annotations.append(
                dict(
                    frame_dir=f'{name_prefix}_c{label:02d}_s{i:04d}',
                    label=label,
                    total_frames=int(lengths[i]),
                    keypoint=_centred_keypoints(joints[:, i], lengths[i], persons[i]),
                )
            )
    return annotations


def split_seed(seed: int, split: str) -> int:
    """Generator seed of a split: distinct for every (seed, split) pair."""
    return 2 * seed + SPLIT_INDEX[split]


def generate_split(
    split: str, num_per_class: int, seed: int = 0, classes: Optional[Sequence[str]] = None, **kwargs
) -> List[dict]:
    """Annotations of the 'train' or 'val' split; names start with 'synth_<split>'.

    ``kwargs`` (``min_frames``, ``max_frames``) go to ``generate_synthetic_skeletons``.
    """
    return generate_synthetic_skeletons(
        num_per_class, split_seed(seed, split), classes, name_prefix=f'synth_{split}', **kwargs
    )


def build_pose_annotations(
    num_train_per_class: int = 40,
    num_val_per_class: int = 20,
    seed: int = 0,
    classes: Optional[Sequence[str]] = None,
    **kwargs,
) -> dict:
    """Both splits in the layout of an mmaction2 ``PoseDataset`` pickle.

    Returns:
        dict(split=dict(train=[frame_dir, ...], val=[...]), annotations=[...]); the splits hold
        exactly what ``SyntheticSkeletonDataset`` generates with the same arguments.
    """
    train = generate_split('train', num_train_per_class, seed, classes, **kwargs)
    val = generate_split('val', num_val_per_class, seed, classes, **kwargs)
    return dict(
        split=dict(train=[a['frame_dir'] for a in train], val=[a['frame_dir'] for a in val]),
        annotations=train + val,
    )
