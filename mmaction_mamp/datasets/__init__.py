"""Datasets and pipeline transforms."""

from . import transforms  # noqa: F401
from .label_subset import LabelFractionPoseDataset
from .synthetic import SyntheticSkeletonDataset

__all__ = ['LabelFractionPoseDataset', 'SyntheticSkeletonDataset']
