"""The action library: slow movements that differ by their direction, not by a pose.

Every class is one slow, steady movement that lasts the whole clip: an arm rises or lowers
sideways, both arms do, one rises while the other lowers, or the knees bend (squat down)
or straighten (stand up). The classes come in time-reversed twins (``raise_right_arm`` is
``lower_right_arm`` played backwards), so a twin pair goes through exactly the same poses:
only the direction of the movement tells them apart. Each sample starts from its own random
posture (:func:`.scene.sample_posture`), so a frame, or the set of poses of a clip, says
little about the class either.
"""

from typing import Dict, Tuple

import numpy as np

from .skeleton import ABD, FLEX, L_ARM, L_THIGH, NUM_JOINTS, R_ARM, R_THIGH

CLASS_NAMES = (
    'raise_right_arm', 'lower_right_arm', 'raise_left_arm', 'lower_left_arm',
    'raise_both_arms', 'lower_both_arms', 'right_up_left_down', 'left_up_right_down',
    'squat_down', 'stand_up',
)  # fmt: skip
# Direction of each moving part per class: +1 raises the arm (sideways) or bends the knees,
# -1 the reverse, 0 keeps it still. Parts: (right arm, left arm, knees).
MOVEMENTS: Dict[str, Tuple[int, int, int]] = dict(
    raise_right_arm=(1, 0, 0), lower_right_arm=(-1, 0, 0),
    raise_left_arm=(0, 1, 0), lower_left_arm=(0, -1, 0),
    raise_both_arms=(1, 1, 0), lower_both_arms=(-1, -1, 0),
    right_up_left_down=(1, -1, 0), left_up_right_down=(-1, 1, 0),
    squat_down=(0, 0, 1), stand_up=(0, 0, -1),
)  # fmt: skip
# Range of one movement (radians, drawn per sample and part): arm abduction, knee bend.
ARM_RANGE = (0.7, 1.1)
KNEE_RANGE = (0.7, 1.1)
# How a knee bend of k radians flexes the hip, knee and ankle of both legs.
LEG_FLEX = np.array([0.6, -1.0, 0.4])


def smoothstep(x: np.ndarray) -> np.ndarray:
    """Cubic ease 0 -> 1 for x in [0, 1], clamped outside; same shape as ``x``."""
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3.0 - 2.0 * x)


def movement_progress(rng: np.random.Generator, lengths: np.ndarray) -> np.ndarray:
    """Eased 0 -> 1 progress of N movements that span their clips: (N, T_max).

    A movement starts and ends within 10 % of the clip's length of its ends (drawn
    symmetrically, so a movement played backwards is as likely as forwards).

    Args:
        lengths: (N,) frame counts.
    """
    n, duration = len(lengths), lengths[:, None].astype(np.float64)
    start = rng.uniform(-0.1, 0.1, (n, 1)) * duration
    end = rng.uniform(0.9, 1.1, (n, 1)) * duration
    t = np.arange(lengths.max())[None].astype(np.float64)
    return smoothstep((t - start) / (end - start))


def leg_bend(knee: np.ndarray) -> np.ndarray:
    """Angles of both legs bent by ``knee`` (...,) radians: (..., 25, 3), flexion only."""
    angles = np.zeros(knee.shape + (NUM_JOINTS, 3))
    for thigh in (R_THIGH, L_THIGH):
        for offset, factor in enumerate(LEG_FLEX):
            angles[..., thigh + offset, FLEX] = factor * knee
    return angles


def movement_angles(rng: np.random.Generator, name: str, progress: np.ndarray) -> np.ndarray:
    """Bone angles of the movement of class ``name``: (N, T, 25, 3) radians.

    Args:
        rng: the class's generator (draws each sample's range of movement).
        name: class name.
        progress: (N, T) movement progress from :func:`movement_progress`.
    """
    n = len(progress)
    arm_range = rng.uniform(*ARM_RANGE, (n, 2, 1))
    knee_range = rng.uniform(*KNEE_RANGE, (n, 1))
    right, left, knees = MOVEMENTS[name]
    angles = np.zeros(progress.shape + (NUM_JOINTS, 3))
    for side, (arm, sign) in enumerate(((R_ARM, 1.0), (L_ARM, -1.0))):
        direction = (right, left)[side]
        if direction:
            level = progress if direction > 0 else 1.0 - progress
            angles[:, :, arm, ABD] = sign * arm_range[:, side] * level
    if knees:
        level = progress if knees > 0 else 1.0 - progress
        angles += leg_bend(knee_range * level)
    return angles
