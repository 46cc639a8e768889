"""``SyntheticSkeletonDataset``: the embedded demo data as an mmaction2 dataset."""

from typing import Callable, List, Optional, Sequence, Union

from mmaction.datasets import BaseActionDataset
from mmaction.registry import DATASETS

from ..clip_checks import ClipCheckMixin
from ..samplers import SeededSampleMixin
from .generator import SPLIT_INDEX, generate_split, resolve_classes


@DATASETS.register_module()
class SyntheticSkeletonDataset(ClipCheckMixin, SeededSampleMixin, BaseActionDataset):
    """Embedded procedurally generated skeleton actions; needs no file.

    Samples are generated in memory at start-up (``load_data_list``) and carry the same
    fields as NTU RGB+D ``PoseDataset`` annotations, so the stock skeleton pipeline applies.
    Like :class:`SafePoseDataset` it is checked on load and reproducible per sample with
    :class:`SeededSampler`.

    Args:
        pipeline: data transforms.
        split: 'train' or 'val' (independent draws of the same classes).
        num_per_class: samples per class.
        seed: base seed shared by both splits.
        classes: subset of ``CLASS_NAMES`` (all by default); labels follow its order.
        min_frames: shortest sequence (frames).
        max_frames: longest sequence (frames).
        test_mode: True for validation / test datasets.
        metainfo: extra meta information; ``classes`` is filled in.
        **kwargs: other ``BaseActionDataset`` and ``ClipCheckMixin`` arguments
            (e.g. ``lazy_init``, ``sample_requirements``).
    """

    def __init__(
        self,
        pipeline: List[Union[dict, Callable]],
        split: str = 'train',
        num_per_class: int = 40,
        seed: int = 0,
        classes: Optional[Sequence[str]] = None,
        min_frames: int = 60,
        max_frames: int = 150,
        test_mode: bool = False,
        metainfo: Optional[dict] = None,
        **kwargs,
    ) -> None:
        if split not in SPLIT_INDEX:
            raise ValueError(f'split must be one of {tuple(SPLIT_INDEX)}, got {split!r}')
        self.split = split
        self.num_per_class = num_per_class
        self.seed = seed
        self.class_names = resolve_classes(classes)
        self.min_frames = min_frames
        self.max_frames = max_frames
        super().__init__(
            ann_file='',
            pipeline=pipeline,
            test_mode=test_mode,
            modality='Pose',
            metainfo=dict(metainfo or {}, classes=self.class_names),
            **kwargs,
        )

    def load_data_list(self) -> List[dict]:
        """Generate this split's annotations (see ``generate_synthetic_skeletons``)."""
        return generate_split(
            self.split,
            self.num_per_class,
            self.seed,
            self.class_names,
            min_frames=self.min_frames,
            max_frames=self.max_frames,
        )
