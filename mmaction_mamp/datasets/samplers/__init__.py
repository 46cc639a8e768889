"""Samplers: per-sample seeds and a fixed global batch."""

from .global_batch_sampler import GlobalBatchSampler
from .seeded_sampler import SampleKey, SeededSampleMixin, SeededSampler

__all__ = ['GlobalBatchSampler', 'SampleKey', 'SeededSampleMixin', 'SeededSampler']
