"""Your own skeleton clips -> ``PoseDataset`` pickle: the steps every custom converter shares.

The numpy converter (:mod:`.numpy_arrays`) and the mmpose converter (:mod:`.mmpose_json`)
read clips in their own way, then hand :func:`write_custom_pickle` a stream of
:class:`Sample` / :class:`SkippedSample`. From there the steps are the same:

1. every clip must have the joint count and coordinate count of the first one (others are
   skipped, naming both shapes);
2. labels come from a labels file (``name label`` per line, :func:`read_label_file`), or
   every clip is unlabelled (label -1: for pre-training, which needs no labels);
3. splits come from a JSON file (``{"train": [names], "val": [names]}``,
   :func:`read_split_file`) or from a seeded random split, stratified by label, into
   ``train`` and ``val`` (:func:`random_splits`);
4. the pickle is written by :func:`~.annotation_writer.write_summary_output`.
"""

import json
from pathlib import Path
from typing import Callable, Dict, Iterable, List, Mapping, Optional, Sequence, Set, Union

import numpy as np

from .annotation_writer import write_summary_output
from .records import ConversionSummary, InputFormatError, PathLike, Sample, SkippedSample

UNLABELLED = -1
CLIP_AXES = 'MTVC'


def parse_layout(layout: str) -> str:
    """An axis-letter string upper-cased, e.g. ``'ctvm'`` -> ``'CTVM'``.

    Raises:
        ValueError: a letter outside N M T V C, a letter twice, or T, V or C missing.
    """
    upper = layout.upper()
    if len(upper) != len(set(upper)) or not set('TVC') <= set(upper) <= set('NMTVC'):
        raise ValueError(
            f'layout {layout!r} must name each axis once with the letters N (clips), '
            'M (persons), T (frames), V (joints), C (coordinates); T, V and C are required'
        )
    return upper


def checked_layout(array: np.ndarray, layout: str, source: PathLike) -> str:
    """``layout`` upper-cased, after checking it names the axes of ``array``.

    Args:
        array: the stored array (only its number of axes and dtype are read).
        layout: one letter per axis, e.g. ``'TVC'`` (one person), ``'MTVC'``,
            ``'CTVM'`` or, for stacked clips, ``'NTVC'`` / ``'NCTVM'``: N clips, M persons,
            T frames, V joints, C coordinates. Without M the array holds one person.
        source: the file, for messages.

    Raises:
        InputFormatError: the array has another number of axes than ``layout`` letters,
            or is not real numbers.
        ValueError: ``layout`` is not a valid axis string (:func:`parse_layout`).
    """
    layout = parse_layout(layout)
    if array.ndim != len(layout):
        raise InputFormatError(
            source,
            None,
            'wrong array shape',
            f'expected a {len(layout)}-D array ({", ".join(layout)}), got shape {array.shape}',
        )
    if array.dtype.kind not in 'biuf':
        raise InputFormatError(source, None, 'wrong array shape', f'dtype {array.dtype}')
    return layout


def to_person_major(array: np.ndarray, layout: str, source: PathLike) -> np.ndarray:
    """Reorder an array whose axes ``layout`` names (:func:`checked_layout`) into
    (M, T, V, C) float32, or (N, M, T, V, C) when ``layout`` has N.
    """
    layout = checked_layout(array, layout, source)
    if 'M' not in layout:
        array, layout = array[..., None], layout + 'M'
    target = ('N' if 'N' in layout else '') + CLIP_AXES
    order = [layout.index(axis) for axis in target]
    return np.ascontiguousarray(array.transpose(order), dtype=np.float32)


def trimmed_clip(keypoint: np.ndarray, name: str, source: PathLike) -> np.ndarray:
    """Drop trailing all-zero frames (padding); refuse non-finite or all-zero clips.

    ``ValidCropResize`` crops by the count of non-zero frames, so the padding carries
    nothing and the frames it reads are unchanged.

    Args:
        keypoint: (M, T, V, C) float32.
        name: sample name, for messages.
        source: the file, for messages.

    Raises:
        InputFormatError: ``'non-finite coordinate'`` or ``'empty sequence'``.
    """
    finite = np.isfinite(keypoint)
    if not finite.all():
        person, frame, joint, _ = np.argwhere(~finite)[0]
        raise InputFormatError(
            source,
            None,
            'non-finite coordinate',
            f'sample {name}: first at person {person}, frame {frame}, joint {joint}',
        )
    non_zero = np.flatnonzero(keypoint.any(axis=(0, 2, 3)))
    if non_zero.size == 0:
        raise InputFormatError(source, None, 'empty sequence', f'sample {name} is all zero')
    return keypoint[:, : non_zero[-1] + 1]


def clip_files(folder: PathLike, suffix: str) -> List[Path]:
    """The ``*<suffix>`` files directly inside ``folder``, sorted by name.

    Raises:
        FileNotFoundError: the folder does not exist or holds no such file.
    """
    files = sorted(Path(folder).glob(f'*{suffix}')) if Path(folder).is_dir() else []
    if not files:
        raise FileNotFoundError(f'no {suffix} file in {folder}')
    return files


def read_or_skip(name: str, read: Callable[[], Sample]) -> Union[Sample, SkippedSample]:
    """``read()``, or the skip record of the format error it raises."""
    try:
        return read()
    except InputFormatError as error:
        return SkippedSample.from_error(name, error)


def read_label_file(path: PathLike) -> Dict[str, int]:
    """Clip name -> 0-based class from ``name label`` lines.

    Fields are separated by whitespace or one comma; blank lines and lines starting
    with ``#`` are ignored. The name is the clip's file name without its suffix.

    Raises:
        InputFormatError: a malformed line, a negative or non-integer label, or a name
            listed twice (file and line named).
    """
    labels: Dict[str, int] = {}
    lines = Path(path).read_text(encoding='utf-8').splitlines()
    for number, line in enumerate(lines, start=1):
        text = line.strip()
        if not text or text.startswith('#'):
            continue
        fields = text.replace(',', ' ').split()
        if len(fields) != 2 or not fields[1].lstrip('-').isdigit():
            raise InputFormatError(
                path, number, 'malformed line', f'expected "name label", got {text!r}'
            )
        name, label = fields[0], int(fields[1])
        if label < 0:
            raise InputFormatError(path, number, 'malformed line', f'negative label {label}')
        if name in labels:
            raise InputFormatError(path, number, 'malformed line', f'{name} is listed twice')
        labels[name] = label
    return labels


def read_split_file(path: PathLike) -> Dict[str, List[str]]:
    """Split name -> clip names from a JSON object of string lists.

    Raises:
        InputFormatError: not JSON, or not an object of lists of names.
    """
    try:
        content = json.loads(Path(path).read_text(encoding='utf-8'))
    except json.JSONDecodeError as error:
        raise InputFormatError(path, error.lineno, 'malformed json', error.msg) from None
    valid = isinstance(content, dict) and all(
        isinstance(names, list) and all(isinstance(name, str) for name in names)
        for names in content.values()
    )
    if not valid:
        raise InputFormatError(
            path, None, 'malformed split file', 'expected {"split name": ["clip name", ...]}'
        )
    return content


def random_splits(
    samples: Sequence[Sample], val_fraction: float, seed: int
) -> Dict[str, List[str]]:
    """A seeded ``train`` / ``val`` split, stratified by label.

    Each class (all clips when unlabelled) gives ``round(count * val_fraction)`` of its
    clips, drawn at random, to ``val``; both lists keep the input order.

    Raises:
        ValueError: ``val_fraction`` outside [0, 1).
    """
    if not 0 <= val_fraction < 1:
        raise ValueError(f'val_fraction must lie in [0, 1), got {val_fraction}')
    rng = np.random.default_rng(seed)
    labels = np.array([sample.label for sample in samples])
    in_val = np.zeros(len(samples), dtype=bool)
    for label in np.unique(labels):
        members = np.flatnonzero(labels == label)
        count = int(round(len(members) * val_fraction))
        in_val[rng.choice(members, size=count, replace=False)] = True
    return {
        'train': [sample.name for sample, val in zip(samples, in_val) if not val],
        'val': [sample.name for sample, val in zip(samples, in_val) if val],
    }


def _layout_mismatch(sample: Sample, reference: Sample) -> Optional[str]:
    """Why ``sample``'s joints x coordinates differ from the first clip's, or None."""
    shape, expected = sample.keypoint.shape[2:], reference.keypoint.shape[2:]
    if shape == expected:
        return None
    return (
        f'sample {sample.name} has {shape[0]} joints x {shape[1]} coordinates, the first '
        f'clip ({reference.name}) {expected[0]} x {expected[1]}'
    )


def _known_members(
    splits: Mapping[str, List[str]], known: Set[str], summary: ConversionSummary
) -> Dict[str, List[str]]:
    """The split lists without clips that were not converted (each such split noted)."""
    kept = {}
    for name, members in splits.items():
        kept[name] = [clip for clip in members if clip in known]
        missing = [clip for clip in members if clip not in known]
        if missing:
            summary.notes.append(
                f'split {name!r}: {len(missing)} listed clip(s) not converted, left out '
                f'(first: {missing[0]})'
            )
    return kept


def write_custom_pickle(
    items: Iterable[Union[Sample, SkippedSample]],
    out_file: PathLike,
    labels: Optional[Mapping[str, int]] = None,
    split_file: Optional[PathLike] = None,
    val_fraction: float = 0.2,
    seed: int = 0,
) -> ConversionSummary:
    """Check layouts, attach labels, split and write the pickle.

    Args:
        items: converted clips (their ``label`` is replaced) and skip records.
        out_file: output ``.pkl``.
        labels: clip name -> class; None: every clip is unlabelled (-1).
        split_file: JSON ``{"split": [names]}`` (:func:`read_split_file`); None:
            :func:`random_splits`.
        val_fraction: share of each class in ``val`` for the random split.
        seed: seed of the random split.

    Returns:
        The summary; clips with another layout or without a label are in ``skipped``.

    Raises:
        InputFormatError: an unusable split file.
    """
    splits = read_split_file(split_file) if split_file else None
    summary = ConversionSummary()
    samples: List[Sample] = []
    for item in items:
        if isinstance(item, SkippedSample):
            summary.skipped.append(item)
            continue
        mismatch = _layout_mismatch(item, samples[0]) if samples else None
        if mismatch:
            summary.skipped.append(SkippedSample(item.name, 'wrong joint count', mismatch))
        elif labels is not None and item.name not in labels:
            message = f'sample {item.name} has no line in the labels file'
            summary.skipped.append(SkippedSample(item.name, 'no label', message))
        else:
            item.label = UNLABELLED if labels is None else labels[item.name]
            samples.append(item)
    if labels is None:
        summary.notes.append('no labels file: every clip is unlabelled (label -1)')
    if splits is None:
        splits = random_splits(samples, val_fraction, seed) if samples else {}
    else:
        splits = _known_members(splits, {sample.name for sample in samples}, summary)
    write_summary_output(out_file, samples, splits, summary)
    return summary
