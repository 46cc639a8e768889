"""``--resume`` (auto): the newest checkpoint of a work dir that actually loads.

mmengine resumes from the file named in ``work_dir/last_checkpoint`` and
fails outright when it is truncated, empty or gone. Here every candidate,
newest first, is loaded the way the runner will load it (``torch.load``,
weights-only); unreadable ones are skipped with the reason logged.
"""

from __future__ import annotations

import logging
import os.path as osp
import re
from pathlib import Path
from typing import List, Optional, Tuple

import torch
from mmengine.logging import print_log

CHECKPOINT_NAME = re.compile(r'^(epoch|iter)_(\d+)\.pth$')


def checkpoint_candidates(work_dir: str) -> Tuple[List[str], List[str]]:
    """Checkpoint paths newest first, and notes about a broken ``last_checkpoint``.

    The target of ``last_checkpoint`` comes first, then ``epoch_N.pth`` /
    ``iter_N.pth`` files of the work dir by decreasing N.
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
    numbered = []
    for path in Path(work_dir).iterdir():
        match = CHECKPOINT_NAME.match(path.name)
        if match and path.is_file():
            numbered.append((int(match.group(2)), str(path)))
    for _, path in sorted(numbered, reverse=True):
        if not any(osp.samefile(path, seen) for seen in ordered):
            ordered.append(path)
    return ordered, notes


def unreadable_reason(path: str) -> Optional[str]:
    """Why ``torch.load`` cannot read the checkpoint, or None when it can."""
    if osp.getsize(path) == 0:
        return 'empty file (0 bytes)'
    try:
        torch.load(path, map_location='cpu', weights_only=True)
    except Exception as exc:  # any failure means the runner cannot resume from it
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else ''
        kind = 'truncated or corrupt' if 'zip archive' in first_line else 'unreadable'
        return f'{kind} ({type(exc).__name__}: {first_line[:200]})'
    return None


def newest_readable_checkpoint(work_dir: str) -> Optional[str]:
    """The newest checkpoint of ``work_dir`` that loads; logs every skipped file and why.

    Returns:
        The path, or None when the work dir holds no checkpoint and no ``last_checkpoint``.

    Raises:
        RuntimeError: checkpoints exist but none loads (nothing is overwritten then).
    """
    if not osp.isdir(work_dir):
        return None
    candidates, notes = checkpoint_candidates(work_dir)
    for note in notes:
        print_log(f'Resume: {note}', logger='current', level=logging.WARNING)
    skipped = []
    for path in candidates:
        reason = unreadable_reason(path)
        if reason is None:
            if skipped or notes:
                print_log(f'Resume: using {path}', logger='current', level=logging.WARNING)
            return path
        skipped.append(f'{path}: {reason}')
        print_log(f'Resume: skipped {path}: {reason}', logger='current', level=logging.WARNING)
    if skipped or notes:
        skipped += notes
        raise RuntimeError(
            f'--resume: no readable checkpoint in {work_dir}:\n  ' + '\n  '.join(skipped)
        )
    return None
