"""Checkpoint files: written with plain data only, read with ``weights_only=True`` passed
explicitly (torch's default was False up to 2.5) and refused when unsafe, damaged or not
fitting the model; ``--resume`` takes the newest that reads. mmengine 0.10 pickles
``HistoryBuffer`` / numpy objects, which weights-only loading refuses: :func:`to_portable`."""

from __future__ import annotations

import io
import logging
import os.path as osp
import pickletools
import re
import zipfile
from pathlib import Path
from typing import Any, Iterable, List, Mapping, Optional

import numpy as np
import torch
from mmengine.logging import HistoryBuffer, print_log

from .errors import CheckpointError
from .required_files import file_problem, is_remote

#: A work dir's checkpoints (CheckpointHook's and PreemptionHook's).
CHECKPOINT_NAME = re.compile(r'^(epoch|iter|preempted_iter)_\d+\.pth$')
#: Globals (besides ``torch.*``) of plain tensor checkpoints; a refused file names others.
_PLAIN = frozenset({'collections.OrderedDict', '_codecs.encode', 'builtins.set'})
TAG = '__portable__'


def to_portable(value: Any) -> Any:
    """``value`` with each ``HistoryBuffer`` and numeric numpy value a ``TAG``-ged dict of
    tensors, other numpy values Python lists / scalars; containers element-wise."""
    if isinstance(value, HistoryBuffer):
        logs, counts = (torch.from_numpy(np.array(data)) for data in value.data)
        return {TAG: 'HistoryBuffer', 'log_history': logs, 'count_history': counts,
                'max_length': int(value.max_length)}  # fmt: skip
    if isinstance(value, (np.ndarray, np.generic)):
        array = np.array(value)
        if array.dtype.kind not in 'biufc':  # strings, objects: plain Python values
            return to_portable(array.tolist())
        kind = 'ndarray' if isinstance(value, np.ndarray) else 'numpy_scalar'
        return {TAG: kind, 'data': torch.from_numpy(array)}
    return _map(value, to_portable)


def from_portable(value: Any) -> Any:
    """Inverse of :func:`to_portable`."""
    kind = value.get(TAG) if isinstance(value, dict) else None
    if kind == 'HistoryBuffer':
        logs, counts = (value[key].numpy().copy() for key in ('log_history', 'count_history'))
        return HistoryBuffer(logs, counts, value['max_length'])
    if kind in ('ndarray', 'numpy_scalar'):
        array = value['data'].numpy().copy()
        return array if kind == 'ndarray' else array[()]
    if kind is not None:
        raise ValueError(f'unknown portable checkpoint entry {kind!r}')
    return _map(value, from_portable)


def _map(value: Any, convert) -> Any:
    """``convert`` on each element of a dict / list / tuple (not named tuples)."""
    if isinstance(value, dict):
        return type(value)((key, convert(item)) for key, item in value.items())
    if isinstance(value, (list, tuple)) and not hasattr(value, '_fields'):
        return type(value)(convert(item) for item in value)
    return value


def pickle_globals(path: str) -> List[str]:
    """The ``module.name`` globals the pickles of a file (a zip checkpoint's ``.pkl`` members,
    else up to five pickles: torch's legacy format) ask for, found without running them."""
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            names = [name for name in archive.namelist() if name.endswith('.pkl')]
            streams = [io.BytesIO(archive.read(name)) for name in names]
    else:
        streams = [io.BytesIO(Path(path).read_bytes())]
    found = set()
    for stream in streams:
        for _ in range(5):
            pushed, memo = [], {}  # what each opcode pushed (strings, else None); the memo
            try:
                for opcode, arg, _ in pickletools.genops(stream):
                    if opcode.name in ('GLOBAL', 'INST'):
                        found.add(arg.replace(' ', '.'))
                    elif opcode.name == 'STACK_GLOBAL' and len(pushed) > 1:
                        found.add(f'{pushed[-2]}.{pushed[-1]}')
                    elif opcode.name.endswith(('PUT', 'MEMOIZE')) and pushed:
                        memo[len(memo) if arg is None else arg] = pushed[-1]
                    elif opcode.name.endswith('GET') or opcode.stack_after:
                        pushed.append(memo.get(arg) if 'GET' in opcode.name else arg)
            except Exception:  # past the last pickle, or not a pickle
                break
    return sorted(found)


def load_checkpoint_weights_only(path: str) -> Any:
    """``torch.load(path, 'cpu', weights_only=True)``; a remote, missing, empty, damaged or unsafe
    file raises :class:`CheckpointError` naming it and why (the globals it asks for)."""
    path = str(path)
    problem = (
        f'{path} is remote: download it first and give its local path' if is_remote(path)
        else file_problem(path) or (f'{path} is empty (0 bytes)' if not osp.getsize(path) else '')
    )  # fmt: skip
    if problem:
        raise CheckpointError(f'checkpoint {problem}')
    try:
        return torch.load(path, map_location='cpu', weights_only=True)
    except Exception as exc:
        unsafe = [g for g in pickle_globals(path) if g.split('.')[0] != 'torch' and g not in _PLAIN]
        if unsafe:
            raise CheckpointError(
                f'checkpoint {path} is refused: it names {", ".join(unsafe)}, which weights-only '
                'loading does not allow (unpickling it could run code). Official MAMP files are '
                'converted with tools/model_converters/mamp2mmaction.py'
            ) from exc
        reason = (str(exc).strip().splitlines() or [''])[0][:200]
        raise CheckpointError(
            f'checkpoint {path} is truncated or corrupt ({type(exc).__name__}: {reason})'
        ) from exc


def require_classifier(state_dict: Iterable[str], path: Optional[str]) -> None:
    """Refuse a state dict (or its keys) without ``cls_head.*``: it would score a random head."""
    if not any(str(key).startswith('cls_head.') for key in state_dict):
        raise CheckpointError(
            f'{path} holds no classification head (cls_head.*), e.g. a pre-training '
            'checkpoint: its scores would come from a random head. Train a linear probe or '
            f'fine-tune on top of it first (--cfg-options model.backbone.init_cfg.checkpoint='
            f'{path}, docs/model_zoo.md), then use the checkpoint that run writes'
        )


def require_fit(loaded: Mapping, model: Mapping, source: str, strict: bool) -> None:
    """Refuse weights (state dicts or key -> shape) of other shapes than the model's (with
    ``strict``, missing / extra keys); the configs saved beside ``source`` are named."""
    shapes = [{k: tuple(getattr(v, 'shape', v)) for k, v in d.items()} for d in (loaded, model)]
    problems = [
        f'{key} is {shape} in the checkpoint, {shapes[1][key]} in the model'
        for key, shape in shapes[0].items()
        if shapes[1].get(key, shape) != shape
    ]
    for kind, keys in (('missing', model.keys() - loaded), ('unexpected', loaded.keys() - model)):
        problems += [f'{len(keys)} {kind} key(s) {sorted(keys)[:3]}'] if keys and strict else []
    if problems:
        saved = [str(path) for path in sorted(Path(source).parent.glob('*.py'))]
        raise CheckpointError(
            f'{source} does not fit the model built from the config: {"; ".join(problems)}. '
            'Trained with other settings (e.g. --cfg-options)? Use the config the run saved in '
            f'its work dir{": " + ", ".join(saved) if saved else ""}'
        )


def newest_readable_checkpoint(work_dir: str) -> Optional[str]:
    """The newest checkpoint of ``work_dir`` that loads: ``last_checkpoint``'s target, then
    :data:`CHECKPOINT_NAME` files, newest first; skips logged. None when there is none;
    :class:`CheckpointError` when none loads."""
    if not osp.isdir(work_dir):
        return None
    skipped, candidates, pointer = [], [], Path(work_dir, 'last_checkpoint')
    if pointer.is_file():
        target = pointer.read_bytes()[:4096].decode(errors='replace').strip()
        if not target or '\ufffd' in target or not target.isprintable():
            skipped.append(f'{pointer} holds no path ({"binary content" if target else "empty"})')
        elif not osp.isfile(target):
            skipped.append(f'{target}: named by last_checkpoint but missing')
        else:
            candidates.append(target)
    files = [path for path in Path(work_dir).iterdir() if CHECKPOINT_NAME.match(path.name)]
    for path in sorted(files, key=lambda path: path.stat().st_mtime, reverse=True):
        if not any(osp.samefile(path, seen) for seen in candidates):
            candidates.append(str(path))
    for path in candidates:
        try:
            load_checkpoint_weights_only(path)
        except CheckpointError as error:
            skipped.append(str(error))
            continue
        for note in [f'skipped {reason}' for reason in skipped] + [f'using {path}'] * bool(skipped):
            print_log(f'Resume: {note}', logger='current', level=logging.WARNING)
        return path
    if skipped:
        reasons = '; '.join(skipped)
        raise CheckpointError(f'resume: no readable checkpoint in {work_dir} ({reasons})')
    return None
