"""The NTU RGB+D (Kinect v2) 25-joint body: joint tree, rest pose and forward kinematics.

Bone vectors are in the body frame (x towards the subject's right, y up, z backwards: the
subject faces -z); angles are (flex, abd, twist) per bone, in radians.
"""

import numpy as np

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


def rot_x(a: np.ndarray) -> np.ndarray:
    """Rotation matrices about the x axis: angles (...,) -> (..., 3, 3)."""
    c, s, o, i = np.cos(a), np.sin(a), np.zeros_like(a), np.ones_like(a)
    return np.stack([i, o, o, o, c, -s, o, s, c], axis=-1).reshape(a.shape + (3, 3))


def rot_y(a: np.ndarray) -> np.ndarray:
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


def rest_angles() -> np.ndarray:
    """Relaxed standing pose: (25, 3) angles, arms slightly open, elbows and knees soft."""
    rest = np.zeros((NUM_JOINTS, 3))
    rest[R_ARM, ABD], rest[L_ARM, ABD] = 0.12, -0.12
    rest[[R_FOREARM, L_FOREARM], FLEX] = 0.15
    rest[[R_THIGH, L_THIGH], FLEX] = 0.03
    rest[[R_SHANK, L_SHANK], FLEX] = -0.06
    return rest
