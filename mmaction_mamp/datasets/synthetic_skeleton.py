"""Embedded demo data: procedurally generated 3-D skeleton actions in the NTU layout.

Every sample is produced by forward kinematics on the NTU RGB+D 25-joint tree (Kinect v2).
Bone lengths are scaled per subject; each action class drives the joint angles with its own
periodic or event-like trajectory; speed, phase, amplitude, onset, handedness, posture style,
viewpoint, camera placement and sensor noise vary per sample. Nothing is downloaded and the
same seed always gives bit-identical arrays.

Coordinates are metres in the Kinect camera frame: y up, z the depth (about 2-4 m) and x
horizontal; a subject facing the camera has its left side towards -x. As in the official
NTU preprocessing, joint 2 (middle of the spine, index 1) of the first person in the first
frame is then moved to the origin.

Classes 0-7 are one-person actions; a second, idle bystander joins some of their samples.
Classes 8 and 9 are two-person interactions. The first person is always the actor.
"""

from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Dict, List, Optional, Sequence, Union

import numpy as np
from mmaction.datasets import BaseActionDataset
from mmaction.registry import DATASETS
from scipy.ndimage import gaussian_filter1d

from .preparation import Sample, write_pose_annotations

FPS = 30.0
NUM_JOINTS = 25

JOINT_NAMES = (
    'spine_base', 'spine_mid', 'neck', 'head',
    'left_shoulder', 'left_elbow', 'left_wrist', 'left_hand',
    'right_shoulder', 'right_elbow', 'right_wrist', 'right_hand',
    'left_hip', 'left_knee', 'left_ankle', 'left_foot',
    'right_hip', 'right_knee', 'right_ankle', 'right_foot',
    'spine_shoulder', 'left_hand_tip', 'left_thumb', 'right_hand_tip', 'right_thumb',
)  # fmt: skip

# Parent of every joint (0-based); the root (spine base) has none.
PARENTS = np.array(
    [-1, 0, 20, 2, 20, 4, 5, 6, 20, 8, 9, 10, 0, 12, 13, 14, 0, 16, 17, 18, 1, 7, 7, 11, 11]
)
# Parents come before their children in this order.
FK_ORDER = (
    0, 1, 20, 2, 3, 4, 5, 6, 7, 21, 22, 8, 9, 10, 11, 23, 24, 12, 13, 14, 15, 16, 17, 18, 19,
)  # fmt: skip
# Left <-> right joint permutation (a mirror image swaps the body sides).
MIRROR_PERM = np.array(
    [0, 1, 2, 3, 8, 9, 10, 11, 4, 5, 6, 7, 16, 17, 18, 19, 12, 13, 14, 15, 20, 23, 24, 21, 22]
)

# Bone vector from the parent to each joint for an average adult in the rest pose, in the
# body frame: x towards the subject's right, y up, z backwards (the subject faces -z).
REST_OFFSETS = np.array([
    [0.0, 0.0, 0.0], [0.0, 0.27, 0.0], [0.0, 0.07, 0.0], [0.0, 0.14, 0.0],
    [-0.17, -0.03, 0.0], [0.0, -0.28, 0.0], [0.0, -0.25, 0.0], [0.0, -0.08, 0.0],
    [0.17, -0.03, 0.0], [0.0, -0.28, 0.0], [0.0, -0.25, 0.0], [0.0, -0.08, 0.0],
    [-0.09, -0.06, 0.0], [0.0, -0.42, 0.0], [0.0, -0.40, 0.0], [0.0, -0.04, -0.12],
    [0.09, -0.06, 0.0], [0.0, -0.42, 0.0], [0.0, -0.40, 0.0], [0.0, -0.04, -0.12],
    [0.0, 0.22, 0.0], [0.0, -0.07, 0.0], [0.0, -0.03, -0.035], [0.0, -0.07, 0.0],
    [0.0, -0.03, -0.035],
])  # fmt: skip
# Body part of each bone, for per-subject proportions: 0 torso and head, 1 arms, 2 legs.
BONE_GROUP = np.array([0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 0, 1, 1, 1, 1])
FEET = np.array([14, 15, 18, 19])

# Bone indices (the bone ending at that joint) used by the action definitions.
SPINE_LOW, SPINE_UP, NECK, HEAD = 1, 20, 2, 3
L_ARM, L_FOREARM, R_ARM, R_FOREARM = 5, 6, 9, 10
L_THIGH, L_SHANK, R_THIGH, R_SHANK = 13, 14, 17, 18  # each followed by its shank and foot
# Angle components of a bone: rotation about x (flexion: a hanging bone swings forward),
# about z (abduction: a hanging bone swings towards +x) and about y (twist).
FLEX, ABD, TWIST = 0, 1, 2
ARMS, FOREARMS = (R_ARM, L_ARM), (R_FOREARM, L_FOREARM)

CLASS_NAMES = (
    'wave_hand', 'clap', 'punch', 'rub_hands', 'jump', 'squat', 'kick', 'march_in_place',
    'handshake', 'push',
)  # fmt: skip
TWO_PERSON_CLASSES = frozenset({'handshake', 'push'})
MIRRORED_CLASSES = frozenset({'wave_hand', 'kick'})  # done with either side
# Base repetition frequency (Hz) of each action; a sample scales it by its own speed. Slow
# enough that the motion stays smooth at the scale of a 4-frame token after the clips are
# cropped and resized (to 64-120 frames) for pre-training.
BASE_FREQ = dict(
    wave_hand=1.0, clap=1.0, punch=0.7, rub_hands=1.2, jump=0.8, squat=0.4, kick=0.5,
    march_in_place=0.7, handshake=1.2, push=1.0,
)  # fmt: skip

SPLIT_INDEX = dict(train=0, val=1)
AngleValue = Union[float, np.ndarray]  # a constant or an (N, T) trajectory, in radians


@dataclass
class _Context:
    """Per-sample timing of one class batch of N samples over T frames.

    Attributes:
        phase: (N, T) oscillation angle 2 pi f t + phi in radians.
        amp: (N, 1) amplitude factor.
        env: (N, T) action envelope in [0, 1] (ramps in at the onset, out at the end).
        event: (N, T) smooth 0 -> 1 step at a random moment (one-off actions such as a push).
    """

    phase: np.ndarray
    amp: np.ndarray
    env: np.ndarray
    event: np.ndarray


@dataclass
class _Action:
    """Class-specific motion of both persons of N samples over T frames.

    Attributes:
        angles: (2, N, T, 25, 3) bone angles in radians added to the rest pose, (flex, abd,
            twist) per bone; one-sided actions use the right side.
        lift: (2, N, T) height of the body above the floor in metres (jumps).
        back: (2, N, T) displacement of the body backwards in metres (being pushed).
    """

    angles: np.ndarray
    lift: np.ndarray
    back: np.ndarray


def _smoothstep(x: np.ndarray) -> np.ndarray:
    """Cubic ease 0 -> 1 for x in [0, 1], clamped outside; same shape as ``x``."""
    x = np.clip(x, 0.0, 1.0)
    return x * x * (3.0 - 2.0 * x)


def _rot_x(a: np.ndarray) -> np.ndarray:
    """Rotation matrices about the x axis: angles (...,) -> (..., 3, 3)."""
    c, s, o, i = np.cos(a), np.sin(a), np.zeros_like(a), np.ones_like(a)
    return np.stack([i, o, o, o, c, -s, o, s, c], axis=-1).reshape(a.shape + (3, 3))


def _rot_y(a: np.ndarray) -> np.ndarray:
    """Rotation matrices about the y axis: angles (...,) -> (..., 3, 3)."""
    c, s, o, i = np.cos(a), np.sin(a), np.zeros_like(a), np.ones_like(a)
    return np.stack([c, o, s, o, i, o, -s, o, c], axis=-1).reshape(a.shape + (3, 3))


def angles_to_rotations(angles: np.ndarray) -> np.ndarray:
    """Bone rotations from (flex, abd, twist) angles: (..., 3) -> (..., 3, 3).

    The rotation is Ry(twist) @ Rz(abd) @ Rx(flex), written out entry by entry.
    """
    ca, cb, cc = np.cos(np.moveaxis(angles, -1, 0))
    sa, sb, sc = np.sin(np.moveaxis(angles, -1, 0))
    rot = np.empty((3, 3) + angles.shape[:-1])
    rot[0, 0] = cc * cb
    rot[0, 1] = sc * sa - cc * sb * ca
    rot[0, 2] = cc * sb * sa + sc * ca
    rot[1, 0] = sb
    rot[1, 1] = cb * ca
    rot[1, 2] = -cb * sa
    rot[2, 0] = -sc * cb
    rot[2, 1] = sc * sb * ca + cc * sa
    rot[2, 2] = cc * ca - sc * sb * sa
    return np.moveaxis(rot, (0, 1), (-2, -1))


def forward_kinematics(angles: np.ndarray, offsets: np.ndarray) -> np.ndarray:
    """Joint positions on the NTU tree with the root at the origin (joint-major layout).

    Each bone turns about its parent joint by its own rotation (see ``angles_to_rotations``)
    composed with its parent's global rotation; the root's rotation orients the whole body.
    Bones whose angles are all zero are skipped as identities.

    Args:
        angles: (25, N, T, 3) local (flex, abd, twist) angles of every bone.
        offsets: (25, N, 3) rest bone vectors of every subject.

    Returns:
        (25, N, T, 3) joint positions.
    """
    active = np.flatnonzero(angles.reshape(NUM_JOINTS, -1).any(axis=1))
    local = dict(zip(active.tolist(), angles_to_rotations(angles[active])))
    identity = np.broadcast_to(np.eye(3), angles.shape[1:3] + (3, 3))
    glob = {0: local.get(0, identity)}
    pos = np.zeros(angles.shape)
    for j in FK_ORDER[1:]:
        p = PARENTS[j]
        glob[j] = glob[p] @ local[j] if j in local else glob[p]
        pos[j] = pos[p] + (glob[j] @ offsets[j][:, None, :, None])[..., 0]
    return pos


def mirror_angles(angles: np.ndarray) -> np.ndarray:
    """Angles of the mirror-image motion (left and right swapped): (..., 25, 3) -> same."""
    mirrored = angles[..., MIRROR_PERM, :].copy()
    mirrored[..., ABD] *= -1.0
    mirrored[..., TWIST] *= -1.0
    return mirrored


def _rest_angles() -> np.ndarray:
    """Relaxed standing pose: (25, 3) angles, arms slightly open, elbows and knees soft."""
    rest = np.zeros((NUM_JOINTS, 3))
    rest[R_ARM, ABD], rest[L_ARM, ABD] = 0.12, -0.12
    rest[[R_FOREARM, L_FOREARM], FLEX] = 0.15
    rest[[R_THIGH, L_THIGH], FLEX] = 0.03
    rest[[R_SHANK, L_SHANK], FLEX] = -0.06
    return rest


def _set_bones(angles: np.ndarray, bones: tuple, component: int, value: AngleValue) -> None:
    """Set one angle component of several bones of (N, T, 25, 3) ``angles`` in place."""
    for bone in bones:
        angles[:, :, bone, component] = value


def _empty_action(ctx: _Context) -> _Action:
    """All-zero action for the batch of ``ctx``."""
    n, t = ctx.env.shape
    return _Action(np.zeros((2, n, t, NUM_JOINTS, 3)), np.zeros((2, n, t)), np.zeros((2, n, t)))


def _act_wave_hand(ctx: _Context) -> _Action:
    """Right arm raised to the side, forearm swinging left-right above the elbow."""
    act, a = _empty_action(ctx), ctx.amp
    act.angles[0, :, :, R_ARM, ABD] = 1.3
    act.angles[0, :, :, R_ARM, FLEX] = 0.3
    act.angles[0, :, :, R_FOREARM, ABD] = 1.4 + 0.45 * a * np.sin(ctx.phase)
    return act


def _hands_in_front(
    act: _Action, inward: AngleValue, right_flex: AngleValue, left_flex: AngleValue
) -> None:
    """Pose person 0's arms in place: elbows bent, forearms pointing forward.

    Args:
        act: action to fill.
        inward: arm rotation towards the midline (rad); 0.55 joins the hands.
        right_flex: right elbow flexion (rad).
        left_flex: left elbow flexion (rad).
    """
    for arm, forearm, side, flex in (
        (R_ARM, R_FOREARM, 1.0, right_flex),
        (L_ARM, L_FOREARM, -1.0, left_flex),
    ):
        act.angles[0, :, :, arm, FLEX] = 0.5
        act.angles[0, :, :, arm, TWIST] = side * inward
        act.angles[0, :, :, forearm, FLEX] = flex


def _act_clap(ctx: _Context) -> _Action:
    """Hands in front of the chest repeatedly opening wide and meeting."""
    act = _empty_action(ctx)
    inward = 0.55 - 0.9 * ctx.amp * 0.5 * (1.0 + np.sin(ctx.phase))
    _hands_in_front(act, inward, 1.3, 1.3)
    return act


def _act_rub_hands(ctx: _Context) -> _Action:
    """Hands joined in front of the chest, rubbing against each other with quick strokes."""
    act = _empty_action(ctx)
    stroke = 0.15 * ctx.amp * np.sin(ctx.phase)
    _hands_in_front(act, 0.55, 1.3 + stroke, 1.3 - stroke)
    return act


def _act_punch(ctx: _Context) -> _Action:
    """Guard with fists up, alternating straight punches with a torso twist."""
    act, a = _empty_action(ctx), ctx.amp
    right_hit = np.maximum(np.sin(ctx.phase), 0.0) ** 2
    left_hit = np.maximum(-np.sin(ctx.phase), 0.0) ** 2
    for arm, forearm, side, hit in (
        (R_ARM, R_FOREARM, 1.0, right_hit),
        (L_ARM, L_FOREARM, -1.0, left_hit),
    ):
        act.angles[0, :, :, arm, FLEX] = 0.5 + 0.9 * a * hit
        act.angles[0, :, :, arm, TWIST] = side * 0.2
        act.angles[0, :, :, forearm, FLEX] = 1.9 - 1.8 * a * hit
    act.angles[0, :, :, SPINE_LOW, TWIST] = 0.15 * a * np.sin(ctx.phase)
    return act


def _leg_flexion(act: _Action, person: int, thigh: int, lift: np.ndarray) -> None:
    """Flex hip, knee and ankle of one leg by ``lift`` (N, T) in [0, ~1], in place."""
    act.angles[person, :, :, thigh, FLEX] = 1.0 * lift
    act.angles[person, :, :, thigh + 1, FLEX] = -1.6 * lift
    act.angles[person, :, :, thigh + 2, FLEX] = 0.5 * lift


def _act_jump(ctx: _Context) -> _Action:
    """Repeated vertical jumps: crouch with arms back, take off with arms up."""
    act = _empty_action(ctx)
    wave = np.sin(ctx.phase)
    crouch, flight = np.maximum(-wave, 0.0), np.maximum(wave, 0.0)
    for thigh in (R_THIGH, L_THIGH):
        _leg_flexion(act, 0, thigh, 0.9 * crouch)
    act.angles[0, :, :, SPINE_LOW, FLEX] = -0.45 * crouch
    _set_bones(act.angles[0], ARMS, FLEX, 1.3 * flight - 0.6 * crouch)
    act.lift[0] = 0.25 * ctx.amp * flight
    return act


def _act_squat(ctx: _Context) -> _Action:
    """Slow deep knee bends with the torso leaning and the arms reaching forward."""
    act = _empty_action(ctx)
    depth = 0.5 * ctx.amp * (1.0 - np.cos(ctx.phase))
    for thigh in (R_THIGH, L_THIGH):
        act.angles[0, :, :, thigh, FLEX] = 1.4 * depth
        act.angles[0, :, :, thigh + 1, FLEX] = -2.2 * depth
        act.angles[0, :, :, thigh + 2, FLEX] = 0.8 * depth
    act.angles[0, :, :, SPINE_LOW, FLEX] = -0.6 * depth
    _set_bones(act.angles[0], ARMS, FLEX, 1.4 * depth)
    return act


def _act_kick(ctx: _Context) -> _Action:
    """Front kicks with the right leg: chamber the knee, extend, retract; hands on guard."""
    act, a = _empty_action(ctx), ctx.amp
    kick = np.maximum(np.sin(ctx.phase), 0.0) ** 3
    act.angles[0, :, :, R_THIGH, FLEX] = 1.3 * a * kick
    act.angles[0, :, :, R_SHANK, FLEX] = -4.0 * kick * (1.0 - kick) - 0.1 * kick
    act.angles[0, :, :, SPINE_LOW, FLEX] = 0.25 * kick
    _set_bones(act.angles[0], ARMS, FLEX, 0.4)
    _set_bones(act.angles[0], FOREARMS, FLEX, 1.5)
    return act


def _act_march_in_place(ctx: _Context) -> _Action:
    """Alternating knee lifts with the arms swinging in counter-phase."""
    act, a = _empty_action(ctx), ctx.amp
    wave = np.sin(ctx.phase)
    _leg_flexion(act, 0, R_THIGH, 0.9 * a * np.maximum(wave, 0.0))
    _leg_flexion(act, 0, L_THIGH, 0.9 * a * np.maximum(-wave, 0.0))
    act.angles[0, :, :, R_ARM, FLEX] = -0.5 * a * wave
    act.angles[0, :, :, L_ARM, FLEX] = 0.5 * a * wave
    _set_bones(act.angles[0], FOREARMS, FLEX, 0.4)
    return act


def _act_handshake(ctx: _Context) -> _Action:
    """Two persons facing each other shake right hands with quick up-down pumps."""
    act = _empty_action(ctx)
    pump = 0.25 * ctx.amp * np.sin(ctx.phase)
    act.angles[:, :, :, R_ARM, FLEX] = 0.8 - 0.5 * pump
    act.angles[:, :, :, R_ARM, TWIST] = 0.3
    act.angles[:, :, :, R_FOREARM, FLEX] = 0.7 + pump
    act.angles[:, :, :, SPINE_LOW, FLEX] = -0.1
    return act


def _act_push(ctx: _Context) -> _Action:
    """The first person shoves the second, who staggers backwards, arms flung out."""
    act, a = _empty_action(ctx), ctx.amp
    shove = ctx.event
    stagger = 4.0 * a * shove * (1.0 - shove)
    _set_bones(act.angles[0], ARMS, FLEX, 0.7 + 0.7 * shove)
    _set_bones(act.angles[0], FOREARMS, FLEX, 1.3 - 1.2 * shove)
    act.angles[0, :, :, SPINE_LOW, FLEX] = -0.25 * shove
    act.angles[1, :, :, SPINE_LOW, FLEX] = 0.35 * stagger
    act.angles[1, :, :, R_ARM, ABD] = 0.6 * stagger
    act.angles[1, :, :, L_ARM, ABD] = -0.6 * stagger
    act.back[1] = 0.45 * a * shove
    return act


ACTIONS: Dict[str, Callable[[_Context], _Action]] = dict(
    wave_hand=_act_wave_hand, clap=_act_clap, punch=_act_punch, rub_hands=_act_rub_hands,
    jump=_act_jump, squat=_act_squat, kick=_act_kick, march_in_place=_act_march_in_place,
    handshake=_act_handshake, push=_act_push,
)  # fmt: skip

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


def _make_context(rng: np.random.Generator, lengths: np.ndarray, freq: float) -> _Context:
    """Draw speed, phase, amplitude, onset and event time of N samples of ``lengths`` (N,)."""
    n = len(lengths)
    duration = lengths[:, None] / FPS
    t = np.arange(lengths.max())[None] / FPS
    freq = freq * rng.uniform(0.75, 1.35, (n, 1))
    phase = 2.0 * np.pi * freq * t + rng.uniform(0.0, 2.0 * np.pi, (n, 1))
    amp = rng.uniform(0.75, 1.2, (n, 1))
    onset = rng.uniform(-0.1, 0.2, (n, 1)) * duration
    end = duration * (1.0 - rng.uniform(-0.1, 0.15, (n, 1)))
    ramp = rng.uniform(0.1, 0.2, (n, 1)) * duration
    env = _smoothstep((t - onset) / ramp) * _smoothstep((end - t) / ramp)
    event_time = rng.uniform(0.3, 0.6, (n, 1)) * duration
    event = _smoothstep((t - event_time) * 2.0 * freq)
    return _Context(phase, amp, env, event)


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
) -> tuple[np.ndarray, np.ndarray]:
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
    tilt = _rot_x(rng.normal(0.0, 0.06, n))
    placed = _rotate(scene, _rot_y(view)) + shift[:, None, None]
    return _rotate(placed, tilt)


def _simulate_class(rng: np.random.Generator, name: str, lengths: np.ndarray) -> np.ndarray:
    """Noise-free joints of both persons of N samples of one class, in camera coordinates.

    Args:
        rng: the class's random generator.
        name: class name.
        lengths: (N,) frame counts; every sample is simulated for ``lengths.max()`` frames.

    Returns:
        (2, N, T_max, 25, 3) joints; person 0 is the actor.
    """
    n, t_max = len(lengths), int(lengths.max())
    ctx = _make_context(rng, lengths, BASE_FREQ[name])
    action = ACTIONS[name](ctx)
    if name in MIRRORED_CLASSES:
        left = rng.random(n) < MIRROR_PROB
        action.angles[0, left] = mirror_angles(action.angles[0, left])
    fidget = _sample_fidget(rng, 2 * n, t_max).reshape(2, n, t_max, NUM_JOINTS, 3)
    style = STYLE_STD * rng.standard_normal((2, n, 1, NUM_JOINTS, 3))
    angles = _rest_angles() + style + fidget + ctx.env[..., None, None] * action.angles
    bodies = _body_positions(
        angles.reshape(2 * n, t_max, NUM_JOINTS, 3),
        _sample_offsets(rng, 2 * n),
        (ctx.env * action.lift).reshape(2 * n, t_max),
        action.back.reshape(2 * n, t_max),
    ).reshape(2, n, t_max, NUM_JOINTS, 3)
    yaw, position = _sample_layout(rng, n, name in TWO_PERSON_CLASSES)
    scene = _rotate(bodies, _rot_y(yaw)) + position[:, :, None, None]
    return _to_camera(rng, scene)


def _add_sensor_noise(rng: np.random.Generator, joints: np.ndarray) -> np.ndarray:
    """Kinect-like errors on (2, N, T, 25, 3) joints, levels drawn per sample; same shape.

    A slow wobble (white noise smoothed over ``WOBBLE_FRAMES``, 2-6 mm RMS) plus a little
    frame-to-frame jitter (0.3-1.5 mm).
    """
    n = joints.shape[1]
    wobble = gaussian_filter1d(rng.standard_normal(joints.shape), WOBBLE_FRAMES, axis=2)
    wobble_gain = rng.uniform(0.002, 0.006, (1, n, 1, 1, 1)) * WOBBLE_UNIT_GAIN
    jitter = rng.uniform(0.0003, 0.0015, (1, n, 1, 1, 1)) * rng.standard_normal(joints.shape)
    return joints + wobble_gain * wobble + jitter


def _person_counts(rng: np.random.Generator, n: int, name: str) -> np.ndarray:
    """Number of recorded persons of n samples: (n,) ints, 2 for interactions."""
    if name in TWO_PERSON_CLASSES:
        return np.full(n, 2)
    return 1 + (rng.random(n) < BYSTANDER_PROB)


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


def _resolve_classes(classes: Optional[Sequence[str]]) -> tuple:
    """Validated class names (all of ``CLASS_NAMES`` when None)."""
    if classes is None:
        return CLASS_NAMES
    unknown = [name for name in classes if name not in CLASS_NAMES]
    if unknown or not classes:
        raise ValueError(f'classes must be a non-empty subset of {CLASS_NAMES}, got {classes}')
    return tuple(classes)


def generate_synthetic_skeletons(
    num_per_class: int,
    seed: int,
    classes: Optional[Sequence[str]] = None,
    min_frames: int = 60,
    max_frames: int = 150,
    name_prefix: str = 'synth',
) -> List[dict]:
    """Generate labelled skeleton sequences as mmaction2 ``PoseDataset`` annotations.

    Each class draws from its own generator seeded by (seed, class id), so a class's samples
    do not depend on which other classes are requested.

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
    for label, name in enumerate(_resolve_classes(classes)):
        rng = np.random.default_rng([seed, CLASS_NAMES.index(name)])
        lengths = rng.integers(min_frames, max_frames + 1, num_per_class)
        joints = _add_sensor_noise(rng, _simulate_class(rng, name, lengths))
        persons = _person_counts(rng, num_per_class, name)
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


def dump_pose_pickle(out: Union[str, Path], **kwargs) -> dict:
    """Write ``build_pose_annotations(**kwargs)`` to the pickle ``out`` and return it."""
    data = build_pose_annotations(**kwargs)
    samples = [Sample(a['frame_dir'], a['label'], a['keypoint']) for a in data['annotations']]
    write_pose_annotations(out, samples, data['split'])
    return data


@DATASETS.register_module()
class SyntheticSkeletonDataset(BaseActionDataset):
    """Embedded procedurally generated skeleton actions; needs no file.

    Samples are generated in memory at start-up (``load_data_list``) and carry the same
    fields as NTU RGB+D ``PoseDataset`` annotations, so the stock skeleton pipeline applies.

    Args:
        pipeline: data transforms.
        split: 'train' or 'val' (independent draws of the same classes).
        num_per_class: samples per class.
        seed: base seed shared by both splits.
        classes: subset of ``CLASS_NAMES`` (all by default); labels follow its order.
        min_frames: shortest sequence (frames).
        max_frames: longest sequence (frames).
        test_mode: True for validation / test datasets.
        metainfo: extra meta information; ``classes`` is filled in.
        **kwargs: other ``BaseActionDataset`` arguments (e.g. ``lazy_init``).
    """

    def __init__(
        self,
        pipeline: List[Union[dict, Callable]],
        split: str = 'train',
        num_per_class: int = 40,
        seed: int = 0,
        classes: Optional[Sequence[str]] = None,
        min_frames: int = 60,
        max_frames: int = 150,
        test_mode: bool = False,
        metainfo: Optional[dict] = None,
        **kwargs,
    ) -> None:
        if split not in SPLIT_INDEX:
            raise ValueError(f'split must be one of {tuple(SPLIT_INDEX)}, got {split!r}')
        self.split = split
        self.num_per_class = num_per_class
        self.seed = seed
        self.class_names = _resolve_classes(classes)
        self.min_frames = min_frames
        self.max_frames = max_frames
        super().__init__(
            ann_file='',
            pipeline=pipeline,
            test_mode=test_mode,
            modality='Pose',
            metainfo=dict(metainfo or {}, classes=self.class_names),
            **kwargs,
        )

    def load_data_list(self) -> List[dict]:
        """Generate this split's annotations (see ``generate_synthetic_skeletons``)."""
        return generate_split(
            self.split,
            self.num_per_class,
            self.seed,
            self.class_names,
            min_frames=self.min_frames,
            max_frames=self.max_frames,
        )
