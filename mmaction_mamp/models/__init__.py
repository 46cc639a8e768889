"""Models: backbone, heads and the self-supervised pre-training model."""

from . import backbones, heads, selfsup  # noqa: F401
