"""Scenes of the synthetic demo data: subjects, idle motion, placement, camera, sensor noise."""

from typing import Tuple

import numpy as np

from .actions import ACTIONS, BASE_FREQ, FPS, MIRRORED_CLASSES, TWO_PERSON_CLASSES, make_context
from .skeleton import (
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
    forward_kinematics,
    mirror_angles,
    rest_angles,
    rot_x,
    rot_y,
)

# Bones that sway slowly when idle and the sway amplitude (radians) of their three angles.
FIDGET_BONES = (0, SPINE_LOW, SPINE_UP, NECK, HEAD, R_ARM, L_ARM, R_FOREARM, L_FOREARM)
FIDGET_AMP = np.array([[0.03, 0.03, 0.0]] * 3 + [[0.06, 0.06, 0.06]] * 6)
# Standard deviation (radians) of each person's own way of holding the body, per angle.
STYLE_STD = np.zeros((NUM_JOINTS, 3))
STYLE_STD[[0, SPINE_LOW, SPINE_UP], :2] = 0.05
STYLE_STD[[NECK, HEAD]] = 0.1
STYLE_STD[[R_ARM, L_ARM]] = 0.15
STYLE_STD[[R_FOREARM, L_FOREARM], FLEX] = 0.2
STYLE_STD[[R_THIGH, L_THIGH], :2] = 0.05
STYLE_STD[[R_SHANK, L_SHANK], FLEX] = 0.05
BYSTANDER_PROB = 0.4  # chance that an idle second person appears in a one-person action
MIRROR_PROB = 0.3  # chance that a one-sided action is done with the left side
WOBBLE_FRAMES = 3.0  # temporal standard deviation of the smoothing of the sensor wobble
# Smoothing white noise by a Gaussian of std s frames scales its std by (2 sqrt(pi) s)^-1/2.
WOBBLE_UNIT_GAIN = np.sqrt(2.0 * np.sqrt(np.pi) * WOBBLE_FRAMES)
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


def _body_positions(
    angles: np.ndarray, offsets: np.ndarray, lift: np.ndarray, back: np.ndarray
) -> np.ndarray:
    """Joints of posed bodies standing on the floor y = 0, in their body frames.

    Args:
        angles: (N, T, 25, 3) bone angles.
        offsets: (N, 25, 3) rest bone vectors.
        lift: (N, T) height above the floor (m).
        back: (N, T) backward displacement (m).

    Returns:
        (N, T, 25, 3) joint positions; the lowest foot joint touches the floor unless lifted.
    """
    joint_major = forward_kinematics(np.moveaxis(angles, 2, 0), np.moveaxis(offsets, 1, 0))
    pos = np.moveaxis(joint_major, 0, 2)
    pos[..., 1] += lift[..., None] - pos[:, :, FEET, 1].min(axis=2, keepdims=True)
    pos[..., 2] += back[..., None]
    return pos


def _sample_layout(
    rng: np.random.Generator, n: int, interaction: bool
) -> Tuple[np.ndarray, np.ndarray]:
    """Facing angle and floor position of both persons in the scene.

    Interacting persons face each other about a metre apart; otherwise the actor faces the
    camera at the scene centre and a possible bystander stands beside.

    Returns:
        yaw: (2, n) rotation about the vertical axis (0 faces the camera, -z).
        position: (2, n, 3) floor position (m), y = 0.
    """
    position = np.zeros((2, n, 3))
    if interaction:
        half = rng.uniform(0.42, 0.6, n)
        position[0, :, 0], position[1, :, 0] = -half, half
        yaw = np.stack([np.full(n, -np.pi / 2), np.full(n, np.pi / 2)])
        yaw += rng.normal(0.0, 0.12, (2, n))
    else:
        position[1, :, 0] = rng.choice([-1.0, 1.0], n) * rng.uniform(0.8, 1.5, n)
        position[1, :, 2] = rng.uniform(-0.4, 0.6, n)
        yaw = rng.normal(0.0, 1.0, (2, n)) * np.array([[0.2], [0.8]])
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

    Args:
        rng: the class's random generator.
        name: class name.
        lengths: (N,) frame counts; every sample is simulated for ``lengths.max()`` frames.

    Returns:
        (2, N, T_max, 25, 3) joints; person 0 is the actor.
    """
    n, t_max = len(lengths), int(lengths.max())
    ctx = make_context(rng, lengths, BASE_FREQ[name])
    action = ACTIONS[name](ctx)
    if name in MIRRORED_CLASSES:
        left = rng.random(n) < MIRROR_PROB
        action.angles[0, left] = mirror_angles(action.angles[0, left])
    fidget = _sample_fidget(rng, 2 * n, t_max).reshape(2, n, t_max, NUM_JOINTS, 3)
    style = STYLE_STD * rng.standard_normal((2, n, 1, NUM_JOINTS, 3))
    angles = rest_angles() + style + fidget + ctx.env[..., None, None] * action.angles
    bodies = _body_positions(
        angles.reshape(2 * n, t_max, NUM_JOINTS, 3),
        _sample_offsets(rng, 2 * n),
        (ctx.env * action.lift).reshape(2 * n, t_max),
        action.back.reshape(2 * n, t_max),
    ).reshape(2, n, t_max, NUM_JOINTS, 3)
    yaw, position = _sample_layout(rng, n, name in TWO_PERSON_CLASSES)
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

    A slow wobble (white noise smoothed over ``WOBBLE_FRAMES``, 2-6 mm RMS) plus a little
    frame-to-frame jitter (0.3-1.5 mm).
    """
    n = joints.shape[1]
    wobble = gaussian_smooth(rng.standard_normal(joints.shape), WOBBLE_FRAMES, axis=2)
    wobble_gain = rng.uniform(0.002, 0.006, (1, n, 1, 1, 1)) * WOBBLE_UNIT_GAIN
    jitter = rng.uniform(0.0003, 0.0015, (1, n, 1, 1, 1)) * rng.standard_normal(joints.shape)
    return joints + wobble_gain * wobble + jitter


def person_counts(rng: np.random.Generator, n: int, name: str) -> np.ndarray:
    """Number of recorded persons of n samples: (n,) ints, 2 for interactions."""
    if name in TWO_PERSON_CLASSES:
        return np.full(n, 2)
    return 1 + (rng.random(n) < BYSTANDER_PROB)
