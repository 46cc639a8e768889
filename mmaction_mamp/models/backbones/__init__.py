"""Encoders."""

from .mamp_transformer import MAMPTransformer

__all__ = ['MAMPTransformer']
