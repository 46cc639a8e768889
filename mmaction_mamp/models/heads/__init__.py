"""Heads: pre-training decoders and the official downstream classifiers."""

from .mamp_finetune_head import MAMPFinetuneHead
from .mamp_linear_head import MAMPLinearHead
from .motion_prediction_head import MAMPMotionHead
from .query_motion_head import MAMPQueryHead

__all__ = ['MAMPFinetuneHead', 'MAMPLinearHead', 'MAMPMotionHead', 'MAMPQueryHead']
