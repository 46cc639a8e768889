"""Heads: pre-training decoder and the official downstream classifiers."""

from .mamp_finetune_head import MAMPFinetuneHead
from .mamp_linear_head import MAMPLinearHead
from .motion_prediction_head import MAMPMotionHead

__all__ = ['MAMPFinetuneHead', 'MAMPLinearHead', 'MAMPMotionHead']
