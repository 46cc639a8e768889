"""Seeded random fraction of a labelled skeleton split (semi-supervised protocol)."""

import hashlib
from typing import Callable, Dict, List, Union

import numpy as np
from mmaction.registry import DATASETS
from mmengine.logging import print_log

from .safe_pose_dataset import SafePoseDataset


def choose_label_subset(names: List[str], label_fraction: float, seed: int) -> List[int]:
    """Indices (ascending) of a seeded plain random ``label_fraction`` of ``names``.

    ``int(len(names) * label_fraction)`` samples without replacement or stratification, as
    the official semi-supervised feeder, drawn with ``numpy.random.default_rng(seed)`` over
    the sorted names: the subset depends only on the set of (unique) names and the seed.
    """
    if not 0.0 < label_fraction <= 1.0:
        raise ValueError(f'label_fraction must be in (0, 1], got {label_fraction}')
    if len(set(names)) != len(names):
        raise ValueError('sample identifiers (frame_dir) must be unique to draw a subset')
    num_keep = int(len(names) * label_fraction)
    if num_keep < 1:
        raise ValueError(
            f'label_fraction={label_fraction} of {len(names)} samples keeps none; '
            'use a larger fraction'
        )
    order = sorted(range(len(names)), key=names.__getitem__)
    drawn = np.random.default_rng(seed).permutation(len(names))[:num_keep]
    return sorted(order[i] for i in drawn)


def subset_fingerprint(names: List[str]) -> str:
    """First 16 hex digits of the SHA-256 of the sorted names, one per line."""
    return hashlib.sha256('\n'.join(sorted(names)).encode()).hexdigest()[:16]


@DATASETS.register_module()
class LabelFractionPoseDataset(SafePoseDataset):
    """:class:`SafePoseDataset` restricted to a seeded random ``label_fraction`` in (0, 1] of
    its split, drawn with ``subset_seed`` (:func:`choose_label_subset`): MAMP's
    semi-supervised protocol (1 % or 10 %). The log records the subset's size, seed,
    classes present and a fingerprint of the chosen names, to compare runs."""

    def __init__(
        self,
        ann_file: str,
        pipeline: List[Union[Dict, Callable]],
        label_fraction: float,
        subset_seed: int = 0,
        **kwargs,
    ) -> None:
        self.label_fraction = label_fraction
        self.subset_seed = subset_seed
        self.subset_fingerprint = ''
        super().__init__(ann_file, pipeline, **kwargs)

    def load_data_list(self) -> List[Dict]:
        """Load the split, then keep the seeded subset and log it."""
        data_list = super().load_data_list()
        key = 'filename' if data_list and 'filename' in data_list[0] else 'frame_dir'
        names = [item[key] for item in data_list]
        chosen = [
            data_list[i] for i in choose_label_subset(names, self.label_fraction, self.subset_seed)
        ]
        self.subset_fingerprint = subset_fingerprint([item[key] for item in chosen])
        num_classes = len({int(item['label']) for item in chosen})
        print_log(
            f'Semi-supervised subset of split {self.split!r}: {len(chosen)} of {len(data_list)} '
            f'samples (label_fraction={self.label_fraction}, subset_seed={self.subset_seed}, '
            f'plain random), {num_classes} classes present, '
            f'{key} sha256[:16]={self.subset_fingerprint}',
            logger='current',
        )
        return chosen
