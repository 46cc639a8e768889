"""Skeleton pipeline transforms (registered in mmaction2's TRANSFORMS)."""

from .motion_masking import MotionAwareMasking
from .pose_transforms import (
    CentreDetectedJoints,
    CentreSkeleton,
    RandomFlipRotateScale2D,
    RandomRot3D,
    ZeroUndetectedJoints,
)
from .temporal_crop import DetectedCropResize, MultiClipCropResize, ValidCropResize

__all__ = [
    'CentreDetectedJoints',
    'CentreSkeleton',
    'DetectedCropResize',
    'MotionAwareMasking',
    'MultiClipCropResize',
    'RandomFlipRotateScale2D',
    'RandomRot3D',
    'ValidCropResize',
    'ZeroUndetectedJoints',
]
