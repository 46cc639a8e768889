"""Heads."""

from .motion_prediction_head import MAMPMotionHead

__all__ = ['MAMPMotionHead']
