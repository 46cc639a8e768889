"""Random 2-D augmentation of image-plane poses: horizontal flip, rotation and scaling."""

from typing import Sequence, Tuple

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from ..clip_checks import clip_name
from ..coco_layout import COCO_LEFT, COCO_RIGHT
from .random_source import RandomSource, random_source


def left_right_permutation(
    num_joints: int, left: Sequence[int], right: Sequence[int]
) -> np.ndarray:
    """Joint order of the mirror image: every left joint swapped with its right partner."""
    if len(left) != len(right):
        raise ValueError(f'left_kp {left} and right_kp {right} must pair up')
    order = np.arange(num_joints)
    order[list(left)], order[list(right)] = list(right), list(left)
    return order


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
class RandomFlipRotateScale2D(BaseTransform):
    """Random horizontal flip with left-right joint swap, rotation and scaling of 2-D poses.

    The 2-D counterpart of ``RandomRot3D``, for coordinates normalised about the image centre
    (``PreNormalize2D``): flip with probability ``flip_ratio`` (x -> -x and every left joint
    swapped with its right partner, also in ``keypoint_score``), then rotate by an angle
    ~ U(-max_angle, max_angle) about the image centre and scale by ~ U(scale_range). The map
    is linear, so absent (all-zero) joints stay zero. mmaction2's ``Flip(left_kp, right_kp)``
    flips the same way in pixel space but draws from numpy's global state; all draws here
    come from one place (``draw_parameters``) and use the sample's generator when the dataset
    supplies one.

    Required keys: ``keypoint`` (M, T, V, 2), optional ``keypoint_score`` (M, T, V),
    ``img_shape`` (h, w) (defaults to ``img_shape`` below).
    Modified keys: ``keypoint`` float32, ``keypoint_score``.

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
        """Flip, rotate and scale ``results['keypoint']``."""
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
            order = left_right_permutation(num_joints, self.left_kp, self.right_kp)
            keypoint = keypoint[:, :, order]
            if 'keypoint_score' in results:
                results['keypoint_score'] = np.asarray(results['keypoint_score'])[:, :, order]
        results['keypoint'] = keypoint.astype(np.float32)
        return results

    def __repr__(self) -> str:
        return (
            f'{self.__class__.__name__}(flip_ratio={self.flip_ratio}, left_kp={self.left_kp}, '
            f'right_kp={self.right_kp}, max_angle={self.max_angle}, '
            f'scale_range={self.scale_range})'
        )
