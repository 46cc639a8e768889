"""The official MAMP centring as a pipeline transform.

MAMP's data scripts translate every NTU sample so that the spine-middle joint
of actor 1 in its first frame is the origin (as the official MAMP data scripts do).
mmaction2's published ``ntu60_3d.pkl`` / ``ntu120_3d.pkl`` keep raw Kinect
camera coordinates; putting :class:`CentreSkeleton` first in the pipeline
gives the model the same coordinate frame. Pickles written by
``tools/data/ntu_to_mmaction.py`` are already centred, and the transform is
a numerical no-op on them.
"""

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from .skeleton_checks import checked_keypoint


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
        keypoint = checked_keypoint(results).astype(np.float32, copy=False)
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
