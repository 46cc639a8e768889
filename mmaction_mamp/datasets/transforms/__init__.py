"""Skeleton pipeline transforms (registered in mmaction2's TRANSFORMS)."""

from .centring import CentreSkeleton
from .motion_masking import MotionAwareMasking
from .multi_clip_crop import MultiClipCropResize
from .rotation import RandomRot3D
from .temporal_crop import ValidCropResize

__all__ = [
    'CentreSkeleton',
    'MotionAwareMasking',
    'MultiClipCropResize',
    'RandomRot3D',
    'ValidCropResize',
]
