"""The official random 3-axis rotation ("random_rot" of the official MAMP feeder)."""

import numpy as np
from mmaction.registry import TRANSFORMS
from mmcv.transforms import BaseTransform

from ..clip_checks import clip_name
from .random_source import random_source


def rotation_matrix(angles: np.ndarray) -> np.ndarray:
    """R = Rz @ Ry @ Rx for angles (ax, ay, az) in radians, with the official signs."""
    (cx, cy, cz), (sx, sy, sz) = np.cos(angles), np.sin(angles)
    rx = np.array([[1, 0, 0], [0, cx, sx], [0, -sx, cx]])
    ry = np.array([[cy, 0, -sy], [0, 1, 0], [sy, 0, cy]])
    rz = np.array([[cz, sz, 0], [-sz, cz, 0], [0, 0, 1]])
    return rz @ ry @ rx


@TRANSFORMS.register_module()
class RandomRot3D(BaseTransform):
    """Rotate every 3-D joint by one random rotation per sample.

    Angles about x, y, z are drawn from U(-theta, theta); ``p' = R @ p``.

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
        rotation = rotation_matrix(angles).astype(keypoint.dtype)
        results['keypoint'] = keypoint @ rotation.T
        return results

    def __repr__(self) -> str:
        return f'{self.__class__.__name__}(theta={self.theta})'
