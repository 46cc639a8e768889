"""Skeleton pipeline transforms (registered in mmaction2's TRANSFORMS)."""

from .motion_masking import MotionAwareMasking
from .rotation import RandomRot3D
from .temporal_crop import ValidCropResize

__all__ = ['MotionAwareMasking', 'RandomRot3D', 'ValidCropResize']
