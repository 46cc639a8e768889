"""Scenes of the synthetic demo data: subjects, postures, idle motion, placement, camera,
sensor noise."""

from typing import Tuple

import numpy as np

from .actions import leg_bend, movement_angles, movement_progress
from .skeleton import (
    ABD,
    BONE_GROUP,
    FEET,
    FLEX,
    HEAD,
    L_ARM,
    L_FOREARM,
    L_SHANK,
    L_THIGH,
    NECK,
    NUM_JOINTS,
    R_ARM,
    R_FOREARM,
    R_SHANK,
    R_THIGH,
    REST_OFFSETS,
    SPINE_LOW,
    SPINE_UP,
    TWIST,
    forward_kinematics,
    rest_angles,
    rot_x,
    rot_y,
)

FPS = 30.0

# Bones that sway slowly when idle and the sway amplitude (radians) of their three angles:
# a few milliradians, so that idle joints stay almost still (see ``add_sensor_noise``).
FIDGET_BONES = (0, SPINE_LOW, SPINE_UP, NECK, HEAD, R_ARM, L_ARM, R_FOREARM, L_FOREARM)
FIDGET_AMP = np.array([[0.003, 0.003, 0.0]] * 3 + [[0.006, 0.006, 0.006]] * 6)
# Standard deviation (radians) of each person's own way of holding the body, per angle.
STYLE_STD = np.zeros((NUM_JOINTS, 3))
STYLE_STD[[0, SPINE_LOW, SPINE_UP], :2] = 0.05
STYLE_STD[[NECK, HEAD]] = 0.1
STYLE_STD[[R_ARM, L_ARM]] = 0.15
STYLE_STD[[R_FOREARM, L_FOREARM], FLEX] = 0.2
STYLE_STD[[R_THIGH, L_THIGH], :2] = 0.05
STYLE_STD[[R_SHANK, L_SHANK], FLEX] = 0.05
# The posture a person holds apart from the movement, drawn per person uniformly in these
# ranges (bone, angle, low, high; radians): how high each arm is held sideways and forwards,
# how bent the elbows are, how the torso leans and turns and the head tilts.
POSTURE_RANGES = (
    (R_ARM, ABD, 0.1, 0.9), (L_ARM, ABD, -0.9, -0.1),
    (R_ARM, FLEX, -0.2, 0.6), (L_ARM, FLEX, -0.2, 0.6),
    (R_FOREARM, FLEX, 0.1, 1.2), (L_FOREARM, FLEX, 0.1, 1.2),
    (SPINE_LOW, FLEX, -0.2, 0.2), (SPINE_LOW, TWIST, -0.3, 0.3), (NECK, FLEX, -0.3, 0.3),
)  # fmt: skip
KNEE_BEND_RANGE = (0.0, 0.3)  # how bent both knees are held (radians, see ``leg_bend``)
ACTOR_YAW = np.pi / 4  # the actor faces the camera turned by up to this angle either way
BYSTANDER_PROB = 0.4  # chance that an idle second person appears beside the actor
WOBBLE_FRAMES = 3.0  # temporal standard deviation of the smoothing of the sensor wobble
# Smoothing white noise by a Gaussian of std s frames scales its std by (2 sqrt(pi) s)^-1/2.
WOBBLE_UNIT_GAIN = np.sqrt(2.0 * np.sqrt(np.pi) * WOBBLE_FRAMES)
WOBBLE_RANGE = (0.0002, 0.0006)  # RMS of the slow sensor wobble (m), drawn per sample
JITTER_RANGE = (0.00003, 0.00015)  # RMS of the frame-to-frame jitter (m), drawn per sample
VIEW_YAWS = np.array([-np.pi / 4, 0.0, np.pi / 4])  # the three NTU camera directions


def _sample_offsets(rng: np.random.Generator, n: int) -> np.ndarray:
    """Rest bone vectors of n random subjects (size and proportions): (n, 25, 3)."""
    scale = rng.uniform(0.85, 1.12, (n, 1, 1))
    proportions = np.clip(rng.normal(1.0, 0.04, (n, 3)), 0.9, 1.1)[:, BONE_GROUP, None]
    return REST_OFFSETS * scale * proportions


def _sample_fidget(rng: np.random.Generator, n: int, num_frames: int) -> np.ndarray:
    """Slow random sway of the bone angles of n persons: (n, T, 25, 3) radians."""
    shape = (n, 1, len(FIDGET_BONES), 3)
    amp = rng.uniform(0.3, 1.0, shape) * FIDGET_AMP
    freq = rng.uniform(0.1, 0.6, shape)
    phase = rng.uniform(0.0, 2.0 * np.pi, shape)
    t = (np.arange(num_frames) / FPS)[None, :, None, None]
    fidget = np.zeros((n, num_frames, NUM_JOINTS, 3))
    fidget[:, :, FIDGET_BONES] = amp * np.sin(2.0 * np.pi * freq * t + phase)
    return fidget


def _body_positions(angles: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Joints of posed bodies standing on the floor y = 0, in their body frames.

    Args:
        angles: (N, T, 25, 3) bone angles.
        offsets: (N, 25, 3) rest bone vectors.

    Returns:
        (N, T, 25, 3) joint positions; the lowest foot joint touches the floor.
    """
    joint_major = forward_kinematics(np.moveaxis(angles, 2, 0), np.moveaxis(offsets, 1, 0))
    pos = np.moveaxis(joint_major, 0, 2)
    pos[..., 1] -= pos[:, :, FEET, 1].min(axis=2, keepdims=True)
    return pos


def sample_posture(rng: np.random.Generator, shape: Tuple[int, ...]) -> np.ndarray:
    """Random postures (``POSTURE_RANGES``, ``KNEE_BEND_RANGE``): ``shape`` + (25, 3) angles."""
    posture = leg_bend(rng.uniform(*KNEE_BEND_RANGE, shape))
    for bone, angle, low, high in POSTURE_RANGES:
        posture[..., bone, angle] += rng.uniform(low, high, shape)
    return posture


def _sample_layout(rng: np.random.Generator, n: int) -> Tuple[np.ndarray, np.ndarray]:
    """Facing angle and floor position of both persons in the scene.

    The actor stands at the scene centre, turned from the camera by up to ``ACTOR_YAW``; a
    possible bystander stands beside.

    Returns:
        yaw: (2, n) rotation about the vertical axis (0 faces the camera, -z).
        position: (2, n, 3) floor position (m), y = 0.
    """
    position = np.zeros((2, n, 3))
    position[1, :, 0] = rng.choice([-1.0, 1.0], n) * rng.uniform(0.8, 1.5, n)
    position[1, :, 2] = rng.uniform(-0.4, 0.6, n)
    yaw = np.stack([rng.uniform(-ACTOR_YAW, ACTOR_YAW, n), rng.normal(0.0, 0.8, n)])
    return yaw, position


def _rotate(points: np.ndarray, rotations: np.ndarray) -> np.ndarray:
    """Rotate points (*B, K, 3) by matrices (*B', 3, 3), B' broadcastable to B.

    For example one matrix per sample (N, 3, 3) turns all frames and joints (N, T, 25, 3).
    """
    return points @ np.swapaxes(rotations, -1, -2)[..., None, :, :]


def _to_camera(rng: np.random.Generator, scene: np.ndarray) -> np.ndarray:
    """Film a scene from a random NTU-like viewpoint.

    The scene turns by one of the three NTU view angles (plus jitter) about its vertical axis,
    lies 2.6-3.6 m in front of a sensor mounted 0.7-1.1 m above the floor, and the sensor is
    slightly tilted.

    Args:
        scene: (P, N, T, 25, 3) joints in scene coordinates (floor at y = 0).

    Returns:
        (P, N, T, 25, 3) joints in camera coordinates.
    """
    n = scene.shape[1]
    view = rng.choice(VIEW_YAWS, n) + rng.normal(0.0, 0.1, n)
    shift = np.stack(
        [rng.uniform(-0.5, 0.5, n), -rng.uniform(0.7, 1.1, n), rng.uniform(2.6, 3.6, n)], axis=1
    )
    tilt = rot_x(rng.normal(0.0, 0.06, n))
    placed = _rotate(scene, rot_y(view)) + shift[:, None, None]
    return _rotate(placed, tilt)


def simulate_class(rng: np.random.Generator, name: str, lengths: np.ndarray) -> np.ndarray:
    """Noise-free joints of both persons of N samples of one class, in camera coordinates.

    The actor (person 0) holds a random posture and makes the class's movement over the
    clip; the second person holds a random posture and only sways a little.

    Args:
        rng: the class's random generator.
        name: class name.
        lengths: (N,) frame counts; every sample is simulated for ``lengths.max()`` frames.

    Returns:
        (2, N, T_max, 25, 3) joints; person 0 is the actor.
    """
    n, t_max = len(lengths), int(lengths.max())
    movement = np.zeros((2, n, t_max, NUM_JOINTS, 3))
    movement[0] = movement_angles(rng, name, movement_progress(rng, lengths))
    posture = sample_posture(rng, (2, n))[:, :, None]
    fidget = _sample_fidget(rng, 2 * n, t_max).reshape(2, n, t_max, NUM_JOINTS, 3)
    style = STYLE_STD * rng.standard_normal((2, n, 1, NUM_JOINTS, 3))
    angles = rest_angles() + style + posture + fidget + movement
    bodies = _body_positions(
        angles.reshape(2 * n, t_max, NUM_JOINTS, 3), _sample_offsets(rng, 2 * n)
    ).reshape(2, n, t_max, NUM_JOINTS, 3)
    yaw, position = _sample_layout(rng, n)
    scene = _rotate(bodies, rot_y(yaw)) + position[:, :, None, None]
    return _to_camera(rng, scene)


def gaussian_smooth(x: np.ndarray, sigma: float, axis: int) -> np.ndarray:
    """Smooth ``x`` along ``axis`` with a Gaussian of std ``sigma`` samples; same shape.

    The kernel is truncated at 4 sigma and the edges are mirrored (``d c b a | a b c d``),
    summed centre first and then in symmetric pairs: the arithmetic of
    ``scipy.ndimage.gaussian_filter1d``, which the tests compare against.
    """
    radius = int(4.0 * sigma + 0.5)
    taps = np.arange(-radius, radius + 1)
    weights = np.exp(-0.5 / (sigma * sigma) * taps**2)
    weights = weights / weights.sum()
    signal = np.moveaxis(x, axis, -1)
    length = signal.shape[-1]
    padded = np.pad(signal, [(0, 0)] * (signal.ndim - 1) + [(radius, radius)], mode='symmetric')
    smooth = padded[..., radius : radius + length] * weights[radius]
    for k in range(1, radius + 1):  # a loop over the kernel taps only
        after = padded[..., radius + k : radius + k + length]
        before = padded[..., radius - k : radius - k + length]
        smooth = smooth + (after + before) * weights[radius + k]
    return np.moveaxis(smooth, -1, axis)


def add_sensor_noise(rng: np.random.Generator, joints: np.ndarray) -> np.ndarray:
    """Kinect-like errors on (2, N, T, 25, 3) joints, levels drawn per sample; same shape.

    A slow wobble (white noise smoothed over ``WOBBLE_FRAMES``, ``WOBBLE_RANGE`` RMS) plus
    a little frame-to-frame jitter (``JITTER_RANGE``). Both are kept below a millimetre, far
    below a real Kinect's: MAMP normalises each token's motion, so on a still joint it would
    have to predict the noise itself, an unlearnable target that a short CPU run cannot
    afford (see docs/demo.md).
    """
    n = joints.shape[1]
    wobble = gaussian_smooth(rng.standard_normal(joints.shape), WOBBLE_FRAMES, axis=2)
    wobble_gain = rng.uniform(*WOBBLE_RANGE, (1, n, 1, 1, 1)) * WOBBLE_UNIT_GAIN
    jitter = rng.uniform(*JITTER_RANGE, (1, n, 1, 1, 1)) * rng.standard_normal(joints.shape)
    return joints + wobble_gain * wobble + jitter


def person_counts(rng: np.random.Generator, n: int) -> np.ndarray:
    """Number of recorded persons of n samples: (n,) ints, 2 when a bystander is there."""
    return 1 + (rng.random(n) < BYSTANDER_PROB)
