"""The files a run reads, checked to exist before anything reads or writes them.

``MAMPRunner`` checks a config's annotation files and ``load_from`` before it builds the
run (:func:`check_config_files`); ``SafePoseDataset`` checks its own file when it loads.
Both end in :func:`check_files`.
"""

from __future__ import annotations

import os.path as osp
from typing import Iterable, List, Optional

from .errors import AnnotationFileError, CheckpointError

DATA_DOC = 'docs/data_preparation.md'
#: The config values naming the data a training run reads.
TRAINING_KEYS = ('train_dataloader', 'val_dataloader', 'custom_hooks')


def annotation_files(*values) -> List[str]:
    """Every local ``ann_file`` (joined with its ``data_root``) in config values, once each."""
    found: List[str] = []
    for value in values:
        if isinstance(value, dict):
            ann_file = value.get('ann_file')
            if isinstance(ann_file, str) and ann_file and '://' not in ann_file:
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
    """Raise unless every annotation file and the (local) checkpoint is a file.

    Raises:
        AnnotationFileError: naming every annotation file that is missing or a directory.
        CheckpointError: the checkpoint is missing or a directory.
    """
    problems = [problem for problem in map(file_problem, dict.fromkeys(ann_files)) if problem]
    if problems:
        listed = '; '.join(f'annotation file {problem}' for problem in problems)
        raise AnnotationFileError(f'{listed}; see {DATA_DOC}')
    problem = file_problem(checkpoint) if checkpoint and '://' not in checkpoint else None
    if problem:
        raise CheckpointError(f'checkpoint {problem}')


def check_config_files(cfg, training: Optional[bool] = None) -> None:
    """:func:`check_files` on what a training (or test) run of ``cfg`` reads.

    Args:
        cfg: the run's config.
        training: True for a training run (training and validation data, the data of
            ``custom_hooks``), False for a test run (test data); None when the run may be
            either: refused only when neither would find its data. ``load_from`` always.
    """
    train = annotation_files(*(cfg.get(key) for key in TRAINING_KEYS))
    test = annotation_files(cfg.get('test_dataloader'))
    if training is None:
        train_missing, test_missing = any(map(file_problem, train)), any(map(file_problem, test))
        files = train + test if train_missing and (test_missing or not test) else []
    else:
        files = train if training else test
    check_files(files, cfg.get('load_from'))
