"""Spatial skeleton transforms: centring, undetected joints, 3-D rotation, 2-D augmentation."""

import inspect
from typing import Sequence, Tuple, Union

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from ..clip_checks import clip_name
from ..coco_layout import COCO_HIPS, COCO_LEFT, COCO_RIGHT

RandomSource = Union[np.random.Generator, type(np.random)]


def random_source(results: dict) -> RandomSource:
    """Where random transforms draw: the sample's generator ``results['rng']`` when the
    dataset gives one (``SeededSampleMixin``), else numpy's global state (seeded per worker
    by mmengine); both offer ``uniform`` and ``random``."""
    return results.get('rng', np.random)


class SkeletonTransform(BaseTransform):
    """``BaseTransform`` whose ``repr`` lists its ``__init__`` arguments (kept as attributes)."""

    def __repr__(self) -> str:
        names = list(inspect.signature(type(self).__init__).parameters)[1:]
        arguments = ', '.join(f'{name}={getattr(self, name)!r}' for name in names)
        return f'{type(self).__name__}({arguments})'


def checked_keypoint_score(results: dict, keypoint: np.ndarray) -> np.ndarray:
    """``results['keypoint_score']`` (M, T, V) as float32; a ValueError naming the sample
    unless it is there and matches ``keypoint`` (the clip check made sure it is finite)."""
    if 'keypoint_score' not in results:
        raise ValueError(
            f'sample {clip_name(results)}: no "keypoint_score" array; 2-D pose annotations '
            '(mmaction2 HRNet pickles) carry one of shape (M, T, V)'
        )
    score = np.asarray(results['keypoint_score'], dtype=np.float32)
    if score.shape != keypoint.shape[:3]:
        raise ValueError(
            f'sample {clip_name(results)}: keypoint_score has shape {score.shape}, keypoint '
            f'{keypoint.shape}; expected (M, T, V) = {keypoint.shape[:3]}'
        )
    return score


@TRANSFORMS.register_module()
class CentreSkeleton(SkeletonTransform):
    """The official MAMP centring: person 0's ``origin_joint`` in its first present frame
    becomes the origin of every joint of every person; absent (all-zero) frames stay zero.

    mmaction2's ``ntu60_3d.pkl`` / ``ntu120_3d.pkl`` keep raw Kinect camera coordinates;
    pickles written by ``tools/data/ntu_to_mmaction.py`` are already centred (a no-op).

    Required keys: ``keypoint`` (M, T, V, C). Modified: ``keypoint`` float32.

    Args:
        origin_joint: joint index of the origin; 1 is the spine middle of NTU's Kinect v2.
    """

    def __init__(self, origin_joint: int = 1) -> None:
        if origin_joint < 0:
            raise ValueError(f'origin_joint must be >= 0, got {origin_joint}')
        self.origin_joint = origin_joint

    def transform(self, results: dict) -> dict:
        sample = results.get('frame_dir')
        keypoint = np.asarray(results['keypoint']).astype(np.float32, copy=False)
        if keypoint.shape[2] <= self.origin_joint:
            raise ValueError(
                f'CentreSkeleton: keypoint of {sample} has {keypoint.shape[2]} joints, '
                f'origin_joint is {self.origin_joint}'
            )
        absent = ~keypoint.any(axis=(2, 3))  # (M, T)
        present_frames = np.flatnonzero(~absent[0])
        if present_frames.size == 0:
            raise ValueError(f'CentreSkeleton: person 0 of {sample} is zero in every frame')
        centred = keypoint - keypoint[0, present_frames[0], self.origin_joint]
        centred[absent] = 0
        results['keypoint'] = centred
        return results


@TRANSFORMS.register_module()
class CentreDetectedJoints(SkeletonTransform):
    """The 2-D counterpart of :class:`CentreSkeleton`: the origin is the mean of
    ``origin_joints`` (COCO-17 hips) of person 0 in the first frame where all of them are
    detected; joints at exactly 0 (missed, as ``ZeroUndetectedJoints`` leaves them) stay 0.
    Place it after ``ZeroUndetectedJoints``, before the crop and the augmentation.

    Required keys: ``keypoint`` (M, T, V, C), missed joints at 0. Modified: ``keypoint``
    float32.

    Args:
        origin_joints: joints whose mean is the origin.
    """

    def __init__(self, origin_joints: Sequence[int] = COCO_HIPS) -> None:
        self.origin_joints = [int(joint) for joint in origin_joints]
        if not self.origin_joints or min(self.origin_joints) < 0:
            raise ValueError(f'origin_joints must be joint indices, got {origin_joints}')

    def transform(self, results: dict) -> dict:
        sample = results.get('frame_dir')
        keypoint = np.asarray(results['keypoint']).astype(np.float32, copy=False)
        if keypoint.shape[2] <= max(self.origin_joints):
            raise ValueError(
                f'CentreDetectedJoints: keypoint of {sample} has {keypoint.shape[2]} joints, '
                f'origin_joints are {self.origin_joints}'
            )
        detected = keypoint.any(axis=3)  # (M, T, V)
        origin_seen = np.flatnonzero(detected[0][:, self.origin_joints].all(axis=1))
        if origin_seen.size == 0:
            raise ValueError(
                f'CentreDetectedJoints: joints {self.origin_joints} of person 0 of {sample} '
                'are never detected in the same frame'
            )
        origin = keypoint[0, origin_seen[0], self.origin_joints].mean(axis=0)  # (C,)
        results['keypoint'] = np.where(detected[..., None], keypoint - origin, 0).astype(np.float32)
        return results


@TRANSFORMS.register_module()
class ZeroUndetectedJoints(SkeletonTransform):
    """Zero the coordinates of keypoints with ``score <= score_thr``.

    mmaction2's 2-D pickles store missed keypoints as pixel (0, 0) with score 0, which
    ``PreNormalize2D`` turns into (-1, -1). MAMP treats an absent joint as all-zero (zero
    motion; a frame is valid when some coordinate is non-zero), so this transform follows
    ``PreNormalize2D`` and puts them back at 0.

    Required keys: ``keypoint`` (M, T, V, C), ``keypoint_score`` (M, T, V).
    Modified: ``keypoint`` float32; ``keypoint_score`` float32 zeroed with the keypoints,
    or removed unless ``keep_score`` (mmaction2's ``FormatGCNInput`` appends a present
    score as a last channel).

    Args:
        score_thr: keypoints scoring at most this are undetected (0: only the placeholders).
        keep_score: keep ``keypoint_score`` for later transforms and as an input channel.
    """

    def __init__(self, score_thr: float = 0.0, keep_score: bool = False) -> None:
        self.score_thr = score_thr
        self.keep_score = keep_score

    def transform(self, results: dict) -> dict:
        keypoint = np.asarray(results['keypoint']).astype(np.float32)
        score = checked_keypoint_score(results, keypoint)
        undetected = score <= self.score_thr  # (M, T, V)
        keypoint[undetected] = 0
        results['keypoint'] = keypoint
        if self.keep_score:
            results['keypoint_score'] = np.where(undetected, 0, score).astype(np.float32)
        else:
            del results['keypoint_score']
        return results


def rotation_matrix(angles: np.ndarray) -> np.ndarray:
    """R = Rz @ Ry @ Rx for angles (ax, ay, az) in radians, with the official signs."""
    (cx, cy, cz), (sx, sy, sz) = np.cos(angles), np.sin(angles)
    rx = np.array([[1, 0, 0], [0, cx, sx], [0, -sx, cx]])
    ry = np.array([[cy, 0, -sy], [0, 1, 0], [sy, 0, cy]])
    rz = np.array([[cz, sz, 0], [-sz, cz, 0], [0, 0, 1]])
    return rz @ ry @ rx


@TRANSFORMS.register_module()
class RandomRot3D(SkeletonTransform):
    """The official "random_rot": ``p' = R @ p`` with angles about x, y, z ~ U(-theta, theta).

    Required / modified keys: ``keypoint`` (M, T, V, 3).

    Args:
        theta: maximum absolute angle in radians (0.3 officially).
    """

    def __init__(self, theta: float = 0.3) -> None:
        self.theta = theta

    def transform(self, results: dict) -> dict:
        keypoint = np.asarray(results['keypoint'])
        if keypoint.shape[-1] != 3:
            raise ValueError(
                f'sample {clip_name(results)}: rotation needs 3-D joints, got '
                f'{keypoint.shape[-1]} coordinates (2-D poses: RandomFlipRotateScale2D)'
            )
        angles = random_source(results).uniform(-self.theta, self.theta, size=3)
        results['keypoint'] = keypoint @ rotation_matrix(angles).astype(keypoint.dtype).T
        return results


def similarity_matrix(flip: bool, angle: float, scale: float, aspect: float) -> np.ndarray:
    """2 x 2 map of normalised (x, y): mirror x, then rotate by ``angle`` and scale.

    Normalised coordinates divide x by w/2 and y by h/2 (``PreNormalize2D``), so the
    rotation is done in units of equal length (y * aspect, aspect = h / w) and mapped back:
    the body turns rigidly in the image instead of shearing.
    """
    cos, sin = np.cos(angle), np.sin(angle)
    rotation = scale * np.array([[cos, -sin], [sin, cos]])
    to_square = np.diag([1.0, aspect])
    mirror = np.diag([-1.0 if flip else 1.0, 1.0])
    return np.linalg.inv(to_square) @ rotation @ to_square @ mirror


@TRANSFORMS.register_module()
class RandomFlipRotateScale2D(SkeletonTransform):
    """Random horizontal flip with left-right joint swap, rotation and scaling of 2-D poses.

    For coordinates normalised about the image centre (``PreNormalize2D``): flip with
    probability ``flip_ratio`` (x -> -x, every left joint swapped with its right partner,
    also in ``keypoint_score``), rotate by ~ U(-max_angle, max_angle) and scale by
    ~ U(scale_range). The map is linear, so absent (all-zero) joints stay zero. Unlike
    mmaction2's ``Flip``, all draws come from ``draw_parameters`` and the sample's generator.

    Required keys: ``keypoint`` (M, T, V, 2), optional ``keypoint_score`` (M, T, V) and
    ``img_shape`` (h, w). Modified: ``keypoint`` float32, ``keypoint_score``.

    Args:
        flip_ratio: probability of the horizontal flip.
        left_kp: indices of the subject's left joints (COCO-17 by default).
        right_kp: their right partners, pairwise.
        max_angle: largest rotation in radians.
        scale_range: (low, high) scale factors.
        img_shape: (h, w) used when the sample has no ``img_shape``.
    """

    def __init__(
        self,
        flip_ratio: float = 0.5,
        left_kp: Sequence[int] = COCO_LEFT,
        right_kp: Sequence[int] = COCO_RIGHT,
        max_angle: float = 0.3,
        scale_range: Tuple[float, float] = (0.9, 1.1),
        img_shape: Tuple[int, int] = (1080, 1920),
    ) -> None:
        if not 0.0 <= flip_ratio <= 1.0:
            raise ValueError(f'flip_ratio must be in [0, 1], got {flip_ratio}')
        if len(left_kp) != len(right_kp):
            raise ValueError(f'left_kp {left_kp} and right_kp {right_kp} must pair up')
        self.flip_ratio = flip_ratio
        self.left_kp = tuple(left_kp)
        self.right_kp = tuple(right_kp)
        self.max_angle = max_angle
        self.scale_range = tuple(scale_range)
        self.img_shape = tuple(img_shape)

    def draw_parameters(self, rng: RandomSource) -> Tuple[bool, float, float]:
        """(flip, angle, scale) of one sample; always the same three draws."""
        flip = bool(rng.random() < self.flip_ratio)
        angle = float(rng.uniform(-self.max_angle, self.max_angle))
        scale = float(rng.uniform(*self.scale_range))
        return flip, angle, scale

    def transform(self, results: dict) -> dict:
        keypoint = np.asarray(results['keypoint'])
        num_joints = keypoint.shape[2]
        if keypoint.shape[-1] != 2:
            raise ValueError(
                f'sample {clip_name(results)}: 2-D augmentation needs (x, y) keypoints, got '
                f'{keypoint.shape[-1]} channels; place it before FormatGCNInput / GenSkeFeat'
            )
        if max(self.left_kp + self.right_kp, default=-1) >= num_joints:
            raise ValueError(
                f'sample {clip_name(results)}: {num_joints} joints, but left_kp / right_kp '
                f'name joint {max(self.left_kp + self.right_kp)}'
            )
        flip, angle, scale = self.draw_parameters(random_source(results))
        height, width = results.get('img_shape', self.img_shape)
        matrix = similarity_matrix(flip, angle, scale, height / width)
        keypoint = keypoint @ matrix.T.astype(keypoint.dtype)
        if flip:
            order = np.arange(num_joints)  # the mirror image's joint order
            order[list(self.left_kp)], order[list(self.right_kp)] = self.right_kp, self.left_kp
            keypoint = keypoint[:, :, order]
            if 'keypoint_score' in results:
                results['keypoint_score'] = np.asarray(results['keypoint_score'])[:, :, order]
        results['keypoint'] = keypoint.astype(np.float32)
        return results
