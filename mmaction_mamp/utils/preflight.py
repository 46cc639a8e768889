"""Checks the command-line tools run on a config before building the runner.

Each check returns short, user-facing problem lines (empty when all is well);
``tools/train.py`` and ``tools/test.py`` print them and exit with status 2, so
a missing dataset or a wrong checkpoint stops with one line per problem
instead of a deep traceback and an empty work directory.
"""

import os
import os.path as osp
import sys
from typing import Any, Iterator, List, Optional, Sequence

import torch
from mmengine.config import Config

from .portable_checkpoint import LEGACY_BUFFER_GLOBAL, legacy_checkpoint_message, unsafe_globals

DATA_DOC = 'docs/data_preparation.md'
ALL_DATALOADERS = ('train_dataloader', 'val_dataloader', 'test_dataloader')
_REMOTE_PREFIXES = ('http://', 'https://', 's3://', 'open-mmlab://', 'mmcls://', 'torchvision://')


def _dataset_annotation_files(dataset: Any) -> Iterator[str]:
    """``ann_file`` of a dataset config and of the datasets it wraps, joined with ``data_root``."""
    if not isinstance(dataset, dict):
        return
    ann_file = dataset.get('ann_file')
    if isinstance(ann_file, str) and ann_file:
        data_root = dataset.get('data_root') or ''
        yield ann_file if osp.isabs(ann_file) else osp.join(data_root, ann_file)
    yield from _dataset_annotation_files(dataset.get('dataset'))  # RepeatDataset & co.
    for inner in dataset.get('datasets') or []:  # ConcatDataset
        yield from _dataset_annotation_files(inner)


def missing_annotation_files(
    cfg: Config, dataloaders: Sequence[str] = ALL_DATALOADERS
) -> List[str]:
    """One line per ``ann_file`` of the given dataloaders that does not exist.

    Args:
        cfg: The merged config (command-line overrides applied).
        dataloaders: Dataloader keys to check (absent or ``None`` ones are skipped).

    Returns:
        ``'<dataloader>: annotation file <path> not found; see docs/data_preparation.md'``
        lines, each missing path reported once.
    """
    problems, seen = [], set()
    for key in dataloaders:
        loader = cfg.get(key)
        if not loader:
            continue
        for path in _dataset_annotation_files(loader.get('dataset')):
            if path in seen or osp.exists(path):
                continue
            seen.add(path)
            problems.append(f'{key}: annotation file {path} not found; see {DATA_DOC}')
    return problems


def _is_local(path: str) -> bool:
    return not path.startswith(_REMOTE_PREFIXES)


def checkpoint_format_problem(path: str) -> Optional[str]:
    """A line explaining why ``path`` cannot be read as a checkpoint, or None."""
    if not _is_local(path):
        return None
    if not osp.isfile(path):
        return f'checkpoint {path} not found'
    globals_needed = unsafe_globals(path)
    if LEGACY_BUFFER_GLOBAL in globals_needed:
        return legacy_checkpoint_message(path)
    return None


def pretrained_checkpoint_problems(cfg: Config) -> List[str]:
    """Problems with the checkpoints a training config loads (``load_from``, ``init_cfg``)."""
    problems = []
    load_from = cfg.get('load_from')
    if load_from:
        problem = checkpoint_format_problem(load_from)
        if problem:
            problems.append(f'load_from: {problem}')
    for name, part in (cfg.get('model') or {}).items():
        init_cfg = part.get('init_cfg') if isinstance(part, dict) else None
        if not (isinstance(init_cfg, dict) and init_cfg.get('type') == 'Pretrained'):
            continue
        checkpoint = init_cfg.get('checkpoint')
        problem = checkpoint_format_problem(checkpoint) if checkpoint else None
        if problem:
            problems.append(
                f'model.{name}.init_cfg: {problem}; pre-train first (docs/model_zoo.md) or '
                f'pass --cfg-options model.{name}.init_cfg.checkpoint=PATH'
            )
    return problems


def _state_dict_keys(path: str) -> List[str]:
    checkpoint = torch.load(path, map_location='cpu', weights_only=True, mmap=True)
    if isinstance(checkpoint, dict) and isinstance(checkpoint.get('state_dict'), dict):
        return list(checkpoint['state_dict'])
    if isinstance(checkpoint, dict) and isinstance(checkpoint.get('model'), dict):
        return ['<official>']
    return list(checkpoint) if isinstance(checkpoint, dict) else []


def evaluation_checkpoint_problems(cfg: Config, path: str) -> List[str]:
    """Refuse a checkpoint that cannot evaluate the config's classifier.

    A classification config (``model.cls_head``) needs ``cls_head.*`` weights:
    a pre-training checkpoint (encoder + MAMP decoder) would be evaluated with
    a randomly initialised head, at chance accuracy.
    """
    problem = checkpoint_format_problem(path)
    if problem:
        return [problem]
    if not _is_local(path) or not (cfg.get('model') or {}).get('cls_head'):
        return []
    keys = _state_dict_keys(path)
    if keys == ['<official>']:
        return [
            f'{path} is an official MAMP file; convert it first: python '
            f'tools/model_converters/mamp2mmaction.py {path} CONVERTED.pth (docs/model_zoo.md)'
        ]
    if any(key.startswith('cls_head.') for key in keys):
        return []
    if any(key.startswith('head.') for key in keys):
        what = 'a pre-training checkpoint (encoder + MAMP decoder)'
    else:
        what = 'an encoder-only checkpoint'
    return [
        f'{path} is {what} with no classification head (cls_head.*): testing it would score '
        f'a random head. Train the classifier on top of it first, e.g. python tools/train.py '
        f'CONFIG --cfg-options model.backbone.init_cfg.checkpoint={path}, then test the '
        'checkpoint that run writes (docs/model_zoo.md)'
    ]


def training_problems(cfg: Config) -> List[str]:
    """What would make ``tools/train.py`` fail: data of the loaders it builds, checkpoints."""
    loaders = ['train_dataloader'] + (['val_dataloader'] if cfg.get('val_cfg') else [])
    return missing_annotation_files(cfg, loaders) + pretrained_checkpoint_problems(cfg)


def testing_problems(cfg: Config, checkpoint: str) -> List[str]:
    """What would make ``tools/test.py`` fail or report a meaningless accuracy."""
    return missing_annotation_files(cfg, ['test_dataloader']) + evaluation_checkpoint_problems(
        cfg, checkpoint
    )


def exit_on_problems(problems: List[str]) -> None:
    """Print one ``error:`` line per problem (first process only) and exit with status 2."""
    if not problems:
        return
    if int(os.environ.get('RANK', 0)) == 0:
        for problem in problems:
            print(f'error: {problem}', file=sys.stderr)
    sys.exit(2)
