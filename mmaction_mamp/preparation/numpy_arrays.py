"""Plain numpy arrays -> ``PoseDataset`` pickle.

Two ways of storing clips are read:

* **one ``.npy`` per clip** in a folder: (T, V, C) for one person or (M, T, V, C); the
  file name without ``.npy`` is the clip name (:func:`convert_npy_folder`);
* **one stacked array** of N clips, (N, T, V, C) or (N, M, T, V, C), zero-padded to a
  common T, with N labels (:func:`convert_stacked_array`); clip ``i`` is named
  ``<array file stem>_<i:06d>``.

Another axis order is given as a layout string, one letter per axis: e.g. ``CTVM`` per
clip or ``NCTVM`` for the (N, C, T, V, M) layout of the CTR-GCN family of feeders.
Trailing all-zero frames (padding) are dropped. Files are read with
``allow_pickle=False``: an ``.npy`` holding Python objects is refused, not run.
"""

import functools
from pathlib import Path
from typing import Optional

import numpy as np

from .custom_clips import (
    checked_layout,
    clip_files,
    read_label_file,
    read_or_skip,
    to_person_major,
    trimmed_clip,
    write_custom_pickle,
)
from .records import ConversionSummary, InputFormatError, PathLike, Sample

CLIP_LAYOUTS = {3: 'TVC', 4: 'MTVC'}
STACKED_LAYOUTS = {4: 'NTVC', 5: 'NMTVC'}


def load_npy(path: PathLike, mmap: bool = False) -> np.ndarray:
    """``np.load`` without pickles.

    Raises:
        InputFormatError: ``'unreadable file'`` (not an ``.npy``, or one holding objects).
    """
    try:
        return np.load(path, mmap_mode='r' if mmap else None, allow_pickle=False)
    except (ValueError, OSError, EOFError) as error:
        raise InputFormatError(path, None, 'unreadable file', str(error)) from None


def check_clip_array(array: np.ndarray, path: PathLike) -> np.ndarray:
    """``array`` after checking it is one clip: (T, V, C) or (M, T, V, C).

    Raises:
        InputFormatError: naming the file, the expected and the given shape.
    """
    if array.ndim not in CLIP_LAYOUTS or array.dtype.kind not in 'biuf':
        raise InputFormatError(
            path,
            None,
            'wrong array shape',
            f'expected a skeleton of shape (T, V, C) or (M, T, V, C), got {array.dtype} '
            f'{array.shape}',
        )
    return array


def read_npy_clip(path: PathLike, layout: Optional[str] = None) -> np.ndarray:
    """One clip as (M, T, V, C) float32.

    Args:
        path: ``.npy`` file.
        layout: axis letters (see :func:`~.custom_clips.checked_layout`); None: (T, V, C)
            for a 3-D array, (M, T, V, C) for a 4-D one.

    Raises:
        InputFormatError: naming the file and the expected shape.
    """
    array = load_npy(path)
    if layout is None:
        layout = CLIP_LAYOUTS[check_clip_array(array, path).ndim]
    return to_person_major(array, layout, path)


def convert_npy_folder(
    folder: PathLike,
    out_file: PathLike,
    layout: Optional[str] = None,
    labels_file: Optional[PathLike] = None,
    split_file: Optional[PathLike] = None,
    val_fraction: float = 0.2,
    seed: int = 0,
) -> ConversionSummary:
    """Convert a folder of one-clip ``.npy`` files (sorted by name) into one pickle.

    Args:
        folder: folder holding ``<clip name>.npy`` files (not searched recursively).
        out_file: output ``.pkl``.
        layout: axis letters of every file; None: by the number of axes.
        labels_file: ``name label`` lines; None: unlabelled clips (pre-training only).
        split_file: JSON ``{"split": [names]}``; None: seeded ``train`` / ``val`` split.
        val_fraction: share of each class in ``val`` (random split).
        seed: seed of the random split.

    Raises:
        FileNotFoundError: the folder does not exist or holds no ``.npy`` file.
        InputFormatError: an unusable labels or split file.
    """
    files = clip_files(folder, '.npy')
    labels = read_label_file(labels_file) if labels_file else None

    def read_clip(path: Path) -> Sample:
        return Sample(path.stem, -1, trimmed_clip(read_npy_clip(path, layout), path.stem, path))

    clips = (read_or_skip(path.stem, functools.partial(read_clip, path)) for path in files)
    return write_custom_pickle(clips, out_file, labels, split_file, val_fraction, seed)


def read_stacked_labels(path: PathLike, count: int) -> np.ndarray:
    """(N,) int64 labels from an ``.npy`` ((N,) integers or (N, K) one-hot) or a text
    file (one integer per line).

    Raises:
        InputFormatError: another count than ``count``, negative or non-integer labels,
            rows that are not one-hot.
    """
    if Path(path).suffix == '.npy':
        labels = load_npy(path)
        if labels.ndim == 2 and np.isin(labels, (0, 1)).all() and (labels.sum(1) == 1).all():
            labels = labels.argmax(axis=1)
    else:
        lines = [line.strip() for line in Path(path).read_text(encoding='utf-8').splitlines()]
        try:
            labels = np.array([int(line) for line in lines if line], dtype=np.int64)
        except ValueError as error:
            raise InputFormatError(path, None, 'malformed line', str(error)) from None
    if labels.ndim != 1 or labels.dtype.kind not in 'iu' or (labels < 0).any():
        raise InputFormatError(
            path,
            None,
            'malformed labels',
            f'expected {count} non-negative integer labels (or one-hot rows), got '
            f'{labels.dtype} {labels.shape}',
        )
    if len(labels) != count:
        raise InputFormatError(
            path, None, 'malformed labels', f'{len(labels)} labels for {count} clips'
        )
    return labels.astype(np.int64)


def convert_stacked_array(
    array_file: PathLike,
    out_file: PathLike,
    layout: Optional[str] = None,
    labels_file: Optional[PathLike] = None,
    split_file: Optional[PathLike] = None,
    val_fraction: float = 0.2,
    seed: int = 0,
) -> ConversionSummary:
    """Convert one stacked array of clips into one pickle.

    The array is memory-mapped and read one clip at a time.

    Args:
        array_file: ``.npy`` of N clips.
        out_file: output ``.pkl``.
        layout: axis letters with N, e.g. ``'NCTVM'``; None: (N, T, V, C) for a 4-D array,
            (N, M, T, V, C) for a 5-D one.
        labels_file: N labels (see :func:`read_stacked_labels`); None: unlabelled.
        split_file: JSON ``{"split": [names]}``; None: seeded ``train`` / ``val`` split.
        val_fraction: share of each class in ``val`` (random split).
        seed: seed of the random split.

    Raises:
        InputFormatError: an array of another number of axes, or unusable labels.
        ValueError: ``layout`` without N.
    """
    array = load_npy(array_file, mmap=True)
    layout = layout or STACKED_LAYOUTS.get(array.ndim)
    if layout is None:
        raise InputFormatError(
            array_file,
            None,
            'wrong array shape',
            f'expected stacked clips (N, T, V, C) or (N, M, T, V, C), got {array.shape}',
        )
    if 'N' not in layout.upper():
        raise ValueError(f'layout {layout!r} of a stacked array needs the clip axis N')
    layout = checked_layout(array, layout, array_file)
    clip_axis = layout.index('N')
    count = array.shape[clip_axis]
    stem = Path(array_file).stem
    names = [f'{stem}_{index:06d}' for index in range(count)]
    labels = None
    if labels_file:
        labels = dict(zip(names, read_stacked_labels(labels_file, count).tolist()))

    clip_layout = layout.replace('N', '')

    def read_clip(index: int) -> Sample:
        clip = to_person_major(np.take(array, index, axis=clip_axis), clip_layout, array_file)
        return Sample(names[index], -1, trimmed_clip(clip, names[index], array_file))

    clips = (read_or_skip(name, functools.partial(read_clip, i)) for i, name in enumerate(names))
    return write_custom_pickle(clips, out_file, labels, split_file, val_fraction, seed)
