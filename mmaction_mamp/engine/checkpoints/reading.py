"""Reading checkpoints without letting them run code, and choosing one to resume from.

``torch.load`` runs whatever a checkpoint's pickle names unless ``weights_only=True``
is in force, and torch's default for it depends on the version (False up to 2.5) and
on the environment (``TORCH_FORCE_NO_WEIGHTS_ONLY_LOAD``). Every checkpoint a run will
read is therefore first read here with ``weights_only=True`` passed explicitly: a file
that needs anything beyond tensors and plain containers is refused, naming the file and
the globals it asks for, before mmengine reads it its own way.
"""

from __future__ import annotations

import logging
import os.path as osp
import pickle
import re
from pathlib import Path
from typing import Any, List, Optional, Tuple

import torch
from mmengine.logging import print_log

from ...utils.errors import CheckpointError

#: Name of the checkpoint ``PreemptionHook`` writes after iteration N.
PREEMPTED_TEMPLATE = 'preempted_iter_{}.pth'
#: Checkpoint files of a work dir: CheckpointHook's ``epoch_N`` / ``iter_N`` and the
#: pre-emption checkpoints.
CHECKPOINT_NAME = re.compile(r'^(epoch|iter|preempted_iter)_\d+\.pth$')


def is_remote(path: str) -> bool:
    """Whether ``path`` is a URL-like location (``https://``, ``s3://``, ``open-mmlab://``)."""
    return '://' in path


def _refused_globals(path: str) -> List[str]:
    try:
        return sorted(torch.serialization.get_unsafe_globals_in_checkpoint(path))
    except Exception:  # not a zip checkpoint: the load error says enough
        return []


def load_checkpoint_weights_only(path: str, map_location: Any = 'cpu') -> Any:
    """``torch.load(path, weights_only=True)`` with errors that name the file.

    Raises:
        CheckpointError: the path is remote, missing, a directory, empty, truncated or
            corrupt, or the file needs globals beyond ``weights_only`` (which could run
            code when unpickled); the message names the file and the reason.
    """
    path = str(path)
    if is_remote(path):
        raise CheckpointError(
            f'{path}: remote checkpoints cannot be checked before they are read; '
            'download the file and give its local path'
        )
    if not osp.exists(path):
        raise CheckpointError(f'checkpoint {path} not found')
    if osp.isdir(path):
        raise CheckpointError(f'checkpoint {path} is a directory, not a file')
    if osp.getsize(path) == 0:
        raise CheckpointError(f'checkpoint {path} is empty (0 bytes)')
    try:
        return torch.load(path, map_location=map_location, weights_only=True)
    except pickle.UnpicklingError as exc:
        needed = _refused_globals(path)
        if needed:
            raise CheckpointError(
                f'checkpoint {path} is refused: it names {", ".join(needed)}, which '
                'weights-only loading does not allow (unpickling it could run code). Official '
                'MAMP files are converted with tools/model_converters/mamp2mmaction.py'
            ) from exc
        raise CheckpointError(
            f'checkpoint {path} is truncated or corrupt (not a checkpoint)'
        ) from exc
    except Exception as exc:  # zip / storage errors: a partial or damaged file
        first_line = (str(exc).strip().splitlines() or [''])[0][:200]
        raise CheckpointError(
            f'checkpoint {path} is truncated or corrupt ({type(exc).__name__}: {first_line})'
        ) from exc


def unreadable_reason(path: str) -> Optional[str]:
    """Why the checkpoint cannot be read weights-only, or None when it can."""
    try:
        load_checkpoint_weights_only(path)
    except CheckpointError as exc:
        return str(exc)
    return None


def resume_candidates(work_dir: str) -> Tuple[List[str], List[str]]:
    """Checkpoint paths newest first, and notes about a broken ``last_checkpoint``.

    The target of ``last_checkpoint`` comes first, then the work dir's checkpoint
    files (:data:`CHECKPOINT_NAME`) from the most recently written.
    """
    notes, ordered = [], []
    pointer = Path(work_dir, 'last_checkpoint')
    if pointer.is_file():
        target = pointer.read_text().strip()
        if not target:
            notes.append(f'{pointer} is empty')
        elif not osp.isfile(target):
            notes.append(f'skipped {target}: named by last_checkpoint but missing')
        else:
            ordered.append(target)
    files = [path for path in Path(work_dir).iterdir() if CHECKPOINT_NAME.match(path.name)]
    for path in sorted(files, key=lambda path: path.stat().st_mtime, reverse=True):
        if not any(osp.samefile(path, seen) for seen in ordered):
            ordered.append(str(path))
    return ordered, notes


def newest_readable_checkpoint(work_dir: str) -> Optional[str]:
    """The newest checkpoint of ``work_dir`` that loads; logs every skipped file and why.

    Returns:
        The path, or None when the work dir holds no checkpoint and no ``last_checkpoint``.

    Raises:
        CheckpointError: checkpoints exist but none loads (nothing is overwritten then).
    """
    if not osp.isdir(work_dir):
        return None
    candidates, notes = resume_candidates(work_dir)
    for note in notes:
        print_log(f'Resume: {note}', logger='current', level=logging.WARNING)
    skipped = []
    for path in candidates:
        reason = unreadable_reason(path)
        if reason is None:
            if skipped or notes:
                print_log(f'Resume: using {path}', logger='current', level=logging.WARNING)
            return path
        skipped.append(reason)
        print_log(f'Resume: skipped {reason}', logger='current', level=logging.WARNING)
    if skipped or notes:
        raise CheckpointError(
            f'resume: no readable checkpoint in {work_dir} ('
            + '; '.join(skipped + notes)
            + '); nothing was overwritten'
        )
    return None
