"""mmaction2's ``PoseDataset`` made safe for long runs on files from elsewhere."""

from __future__ import annotations

import os.path as osp
from typing import Any, List, Optional

from mmaction.datasets import PoseDataset
from mmaction.registry import DATASETS
from mmengine.logging import print_log

from ..utils.errors import DataCheckError
from ..utils.required_files import check_files
from .clip_checks import ClipCheckMixin
from .safe_pickle import load_annotation_pickle
from .samplers import SeededSampleMixin


def select_split(content: Any, split: Optional[str], source: str) -> List[dict]:
    """The annotations of ``split`` (all when None) from a ``PoseDataset`` pickle's content,
    ``dict(split={name: [identifier, ...]}, annotations=[...])`` or a plain list.

    Raises:
        DataCheckError: wrong layout, missing split (the splits present are listed) or
            empty split.
    """
    if isinstance(content, list) and split is None:
        return content
    if not isinstance(content, dict) or not isinstance(content.get('annotations'), list):
        raise DataCheckError(
            f'{source}: expected dict(split=..., annotations=[...]), got {type(content).__name__}'
            + (f' with keys {sorted(content)}' if isinstance(content, dict) else '')
        )
    annotations = content['annotations']
    if split is None:
        return annotations
    splits = content.get('split')
    if not isinstance(splits, dict) or split not in splits:
        present = sorted(splits) if isinstance(splits, dict) else []
        raise DataCheckError(f'{source}: split {split!r} not found; splits present: {present}')
    if not annotations:
        raise DataCheckError(f'{source}: the annotation list is empty')
    identifier = 'filename' if 'filename' in annotations[0] else 'frame_dir'
    members = set(splits[split])
    selected = [item for item in annotations if item.get(identifier) in members]
    if not selected:
        raise DataCheckError(f'{source}: split {split!r} is empty ({len(members)} names listed)')
    if len(selected) < len(members):
        print_log(
            f'{source}: {len(members) - len(selected)} name(s) of split {split!r} have no '
            'annotation',
            logger='current',
        )
    return selected


@DATASETS.register_module()
class SafePoseDataset(ClipCheckMixin, SeededSampleMixin, PoseDataset):
    """``PoseDataset`` reading ``ann_file`` with a restricted unpickler (:mod:`.safe_pickle`;
    ``allow_unsafe_pickle=True`` opts in to plain pickle), refusing a missing file, an
    unreadable pickle, a missing split or an empty list naming the file, and checking every
    clip when loaded (:class:`ClipCheckMixin`'s arguments in ``**kwargs``). Unlabelled clips
    keep no ``label`` key, so they pack (a classifier refuses them before iteration 1).
    """

    def __init__(self, ann_file: str, pipeline: list, allow_unsafe_pickle: bool = False, **kwargs):
        self.allow_unsafe_pickle = allow_unsafe_pickle
        super().__init__(ann_file, pipeline, **kwargs)

    def load_data_list(self) -> List[dict]:
        """Annotations of ``self.split`` read without running code from the file."""
        check_files([self.ann_file])
        content = load_annotation_pickle(self.ann_file, self.allow_unsafe_pickle)
        data_list = select_split(content, self.split, self.ann_file)
        prefix = self.data_prefix.get('video')
        for item in data_list:
            if item.get('label', 0) is None:
                del item['label']
            for key in ('filename', 'frame_dir'):
                if prefix and key in item:
                    item[key] = osp.join(prefix, item[key])
        return data_list
