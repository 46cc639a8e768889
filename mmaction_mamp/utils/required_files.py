"""The files a run reads, checked to exist before anything is written."""

from __future__ import annotations

import os.path as osp
from typing import Iterable, List, Optional

from .errors import AnnotationFileError, CheckpointError

#: The config values naming the data a training run reads.
TRAINING_KEYS = ('train_dataloader', 'val_dataloader', 'custom_hooks')


def annotation_files(*values) -> List[str]:
    """Every local ``ann_file`` (joined with its ``data_root``) in config values, once each."""
    found: List[str] = []
    for value in values:
        if isinstance(value, dict):
            ann_file = value.get('ann_file')
            if isinstance(ann_file, str) and ann_file and not is_remote(ann_file):
                found.append(osp.join(value.get('data_root') or '', ann_file))
            found += annotation_files(*value.values())
        elif isinstance(value, (list, tuple)):
            found += annotation_files(*value)
    return list(dict.fromkeys(found))


def file_problem(path: str) -> Optional[str]:
    """``'PATH not found'``, ``'PATH is a directory, not a file'``, or None for a file."""
    if osp.isdir(path):
        return f'{path} is a directory, not a file'
    return None if osp.isfile(path) else f'{path} not found'


def check_files(ann_files: Iterable[str] = (), checkpoint: Optional[str] = None) -> None:
    """Raise :class:`AnnotationFileError` naming every annotation file, or
    :class:`CheckpointError` naming the (local) checkpoint, that is not a file."""
    problems = [problem for problem in map(file_problem, dict.fromkeys(ann_files)) if problem]
    if problems:
        listed = '; '.join(f'annotation file {problem}' for problem in problems)
        raise AnnotationFileError(f'{listed}; see docs/data_preparation.md')
    problem = file_problem(checkpoint) if checkpoint and not is_remote(checkpoint) else None
    if problem:
        raise CheckpointError(f'checkpoint {problem}')


def check_config_files(cfg, training: Optional[bool] = None) -> None:
    """:func:`check_files` on ``load_from`` and the data of a training run (training and
    validation data, ``custom_hooks``' data) or a test run (``training=False``); with
    ``training=None`` (either), refused only when neither would find its data."""
    train = annotation_files(*(cfg.get(key) for key in TRAINING_KEYS))
    test = annotation_files(cfg.get('test_dataloader'))
    if training is None:
        train_missing, test_missing = any(map(file_problem, train)), any(map(file_problem, test))
        files = train + test if train_missing and (test_missing or not test) else []
    else:
        files = train if training else test
    check_files(files, cfg.get('load_from'))


def is_remote(path: str) -> bool:
    """Whether ``path`` is a URL-like location (``https://``, ``s3://``, ``open-mmlab://``)."""
    return '://' in path
