"""Centring transforms: the official MAMP centring, and its 2-D counterpart.

MAMP's data scripts translate every NTU sample so that the spine-middle joint
of actor 1 in its first frame is the origin (as the official MAMP data scripts do).
mmaction2's published ``ntu60_3d.pkl`` / ``ntu120_3d.pkl`` keep raw Kinect
camera coordinates; putting :class:`CentreSkeleton` first in the pipeline
gives the model the same coordinate frame. Pickles written by
``tools/data/ntu_to_mmaction.py`` are already centred, and the transform is
a numerical no-op on them.

2-D keypoints (COCO-17) have no spine joint and mark missed detections with
zeros; :class:`CentreDetectedJoints` centres them on the hip midpoint instead
and leaves those zeros in place.
"""

from typing import Sequence

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from ..coco_layout import COCO_HIPS


@TRANSFORMS.register_module()
class CentreSkeleton(BaseTransform):
    """Translate ``keypoint`` so person 0's first origin joint is at 0.

    The origin is joint ``origin_joint`` of person 0 in the first frame where
    person 0 is not all zero. It is subtracted from every joint of every
    person in every frame; frames where a person was all zero (absent) stay
    zero. On already-centred data the origin is zero, so nothing changes.

    Required keys: ``keypoint`` (M, T, V, C) float.
    Modified keys: ``keypoint`` (M, T, V, C) float32.

    Args:
        origin_joint: Joint index of the origin; 1 is the spine middle
            (joint 2) of the NTU Kinect v2 layout.
    """

    def __init__(self, origin_joint: int = 1) -> None:
        if origin_joint < 0:
            raise ValueError(f'origin_joint must be >= 0, got {origin_joint}')
        self.origin_joint = origin_joint

    def _check_origin_joint(self, keypoint: np.ndarray, sample: object) -> None:
        """Raise a ValueError naming the sample when the origin joint does not exist."""
        if keypoint.shape[2] <= self.origin_joint:
            raise ValueError(
                f'CentreSkeleton: keypoint of {sample} has {keypoint.shape[2]} joints, '
                f'origin_joint is {self.origin_joint}'
            )

    def transform(self, results: dict) -> dict:
        """Centre ``results['keypoint']`` in place of the original."""
        sample = results.get('frame_dir')
        keypoint = np.asarray(results['keypoint']).astype(np.float32, copy=False)
        self._check_origin_joint(keypoint, sample)
        absent = ~keypoint.any(axis=(2, 3))  # (M, T)
        present_frames = np.flatnonzero(~absent[0])
        if present_frames.size == 0:
            raise ValueError(f'CentreSkeleton: person 0 of {sample} is zero in every frame')
        origin = keypoint[0, present_frames[0], self.origin_joint]  # (C,)
        centred = keypoint - origin
        centred[absent] = 0
        results['keypoint'] = centred
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(origin_joint={self.origin_joint})'


@TRANSFORMS.register_module()
class CentreDetectedJoints(BaseTransform):
    """Translate detected joints so person 0's first seen ``origin_joints`` centre is at 0.

    The 2-D counterpart of :class:`CentreSkeleton`: the origin is the mean of
    ``origin_joints`` (COCO-17 hips by default) of person 0 in the first frame
    where all of them are detected. It is subtracted from every detected joint
    of every person in every frame; joints at exactly 0 (missed detections and
    absent persons, as ``ZeroUndetectedJoints`` leaves them) stay 0. Place it
    after ``ZeroUndetectedJoints`` and before the crop and the augmentation.

    Required keys: ``keypoint`` (M, T, V, C) float, missed joints at 0.
    Modified keys: ``keypoint`` (M, T, V, C) float32.

    Args:
        origin_joints: joints whose mean is the origin; 11 and 12 are the left
            and right hips of COCO-17.
    """

    def __init__(self, origin_joints: Sequence[int] = COCO_HIPS) -> None:
        self.origin_joints = [int(joint) for joint in origin_joints]
        if not self.origin_joints or min(self.origin_joints) < 0:
            raise ValueError(f'origin_joints must be joint indices, got {origin_joints}')

    def transform(self, results: dict) -> dict:
        """Centre ``results['keypoint']`` in place of the original."""
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

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(origin_joints={self.origin_joints})'
