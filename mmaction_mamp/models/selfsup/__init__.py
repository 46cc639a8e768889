"""Self-supervised pre-training models."""

from .mamp import MAMP

__all__ = ['MAMP']
