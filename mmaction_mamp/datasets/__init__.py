"""Datasets, samplers and pipeline transforms."""

from . import transforms  # noqa: F401
from .label_subset import LabelFractionPoseDataset
from .safe_pose_dataset import SafePoseDataset
from .samplers import GlobalBatchSampler, SampleKey, SeededSampler
from .synthetic import SyntheticPose2DDataset, SyntheticSkeletonDataset

__all__ = [
    'GlobalBatchSampler',
    'LabelFractionPoseDataset',
    'SafePoseDataset',
    'SampleKey',
    'SeededSampler',
    'SyntheticPose2DDataset',
    'SyntheticSkeletonDataset',
]
