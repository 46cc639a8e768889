"""Skeleton pipeline transforms (registered in mmaction2's TRANSFORMS)."""

from .augment_2d import RandomFlipRotateScale2D
from .centring import CentreDetectedJoints, CentreSkeleton
from .detected_crop import DetectedCropResize
from .motion_masking import MotionAwareMasking
from .multi_clip_crop import MultiClipCropResize
from .rotation import RandomRot3D
from .temporal_crop import ValidCropResize
from .undetected_joints import ZeroUndetectedJoints

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
